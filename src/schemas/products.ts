import { Type, type Static } from '@sinclair/typebox';
import { LISTING_STATUSES } from '../../db/schema/listings.ts';
import { CATEGORIES, CERTIFICATION_TYPES, PRODUCT_STATUSES, UNITS } from '../../db/schema/products.ts';
import { CalendarDate, Cursor, Label, Limit, StringEnum, Timestamp, Uuid, Vnd, WardCode } from './common.ts';

export const Certification = Type.Object(
  {
    type: StringEnum(CERTIFICATION_TYPES),
    number: Type.String({ minLength: 1, maxLength: 64 }),
    issuedAt: CalendarDate,
    expiresAt: CalendarDate,
  },
  { additionalProperties: false },
);

const fields = {
  sku: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._-]+$', description: 'Unique per seller; letters, digits, . _ -' }),
  name: Label(200),
  description: Type.String({ maxLength: 5000 }),
  category: StringEnum(CATEGORIES),
  unit: StringEnum(UNITS, { description: 'kg, hộp, thùng, bó, trái, gói, chai, túi' }),
  priceVnd: Vnd({ minimum: 1, description: 'Integer VND per unit' }),
  stock: Type.Integer({ minimum: 0, maximum: 10_000_000 }),
  weightGrams: Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'Shipping weight of one unit' }),
  images: Type.Array(Type.String({ format: 'uri', pattern: '^https?://', maxLength: 2000 }), { maxItems: 10 }),
  originWardCode: WardCode,
  shelfLifeDays: Type.Union([Type.Integer({ minimum: 1, maximum: 3650 }), Type.Null()]),
  harvestFrom: Type.Union([CalendarDate, Type.Null()]),
  harvestTo: Type.Union([CalendarDate, Type.Null()]),
  certifications: Type.Array(Certification, { maxItems: 10 }),
  status: StringEnum(PRODUCT_STATUSES),
};

export const ProductCreate = Type.Object(
  {
    sellerId: Type.Optional(Uuid({ description: 'Required for admins; a seller manager creates for their own seller' })),
    sku: fields.sku,
    name: fields.name,
    description: Type.Optional(fields.description),
    category: fields.category,
    unit: fields.unit,
    priceVnd: fields.priceVnd,
    stock: Type.Optional(fields.stock),
    weightGrams: fields.weightGrams,
    images: Type.Optional(fields.images),
    originWardCode: fields.originWardCode,
    shelfLifeDays: Type.Optional(fields.shelfLifeDays),
    harvestFrom: Type.Optional(fields.harvestFrom),
    harvestTo: Type.Optional(fields.harvestTo),
    certifications: Type.Optional(fields.certifications),
    status: Type.Optional(fields.status),
  },
  { additionalProperties: false },
);
export type ProductCreateInput = Static<typeof ProductCreate>;

/** Stock is not patchable: it changes only through POST /stock, which writes the ledger. */
export const ProductPatch = Type.Object(
  {
    sku: Type.Optional(fields.sku),
    name: Type.Optional(fields.name),
    description: Type.Optional(fields.description),
    category: Type.Optional(fields.category),
    unit: Type.Optional(fields.unit),
    priceVnd: Type.Optional(fields.priceVnd),
    weightGrams: Type.Optional(fields.weightGrams),
    images: Type.Optional(fields.images),
    originWardCode: Type.Optional(fields.originWardCode),
    shelfLifeDays: Type.Optional(fields.shelfLifeDays),
    harvestFrom: Type.Optional(fields.harvestFrom),
    harvestTo: Type.Optional(fields.harvestTo),
    certifications: Type.Optional(fields.certifications),
    status: Type.Optional(fields.status),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type ProductPatchInput = Static<typeof ProductPatch>;

export const Product = Type.Object(
  {
    id: Uuid(),
    sellerId: Uuid(),
    sku: Type.String(),
    name: Type.String(),
    description: Type.String(),
    category: fields.category,
    unit: fields.unit,
    priceVnd: Type.Integer(),
    stock: Type.Integer(),
    weightGrams: Type.Integer(),
    images: Type.Array(Type.String()),
    originWardCode: Type.String(),
    shelfLifeDays: Type.Union([Type.Integer(), Type.Null()]),
    harvestFrom: Type.Union([Type.String(), Type.Null()]),
    harvestTo: Type.Union([Type.String(), Type.Null()]),
    certifications: Type.Array(Certification),
    status: fields.status,
    version: Type.Integer(),
    listingStatus: StringEnum(LISTING_STATUSES, { description: 'Where its Postmart listing stands (GET /v1/products/:id/listing for details)' }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Product' },
);

export const ProductQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 100, description: 'Name search, ignoring case and diacritics ("xoai cat" finds "Xoài cát")' })),
    sellerId: Type.Optional(Uuid()),
    category: Type.Optional(fields.category),
    originWardCode: Type.Optional(WardCode),
    status: Type.Optional(fields.status),
    limit: Limit,
    cursor: Type.Optional(Cursor),
  },
  { additionalProperties: false },
);
export type ProductQueryInput = Static<typeof ProductQuery>;

export const StockChange = Type.Object(
  {
    set: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000, description: 'New absolute stock' })),
    delta: Type.Optional(Type.Integer({ minimum: -10_000_000, maximum: 10_000_000, description: 'Change, e.g. 20 or -5' })),
    reason: Type.String({ minLength: 2, maxLength: 500, description: 'Why; written to the stock ledger' }),
  },
  { additionalProperties: false, description: 'Exactly one of set (absolute) or delta (±n), with the reason recorded in the stock ledger' },
);
export type StockChangeInput = Static<typeof StockChange>;

/** Columns accepted by the CSV import, in the product's own field names. */
export const CSV_COLUMNS = [
  'sku',
  'name',
  'description',
  'category',
  'unit',
  'priceVnd',
  'stock',
  'weightGrams',
  'originWardCode',
  'shelfLifeDays',
  'harvestFrom',
  'harvestTo',
  'status',
] as const;
export const CSV_REQUIRED = ['sku', 'name', 'category', 'unit', 'priceVnd', 'weightGrams', 'originWardCode'] as const;

export const ImportReport = Type.Object({
  sellerId: Uuid(),
  rows: Type.Integer(),
  created: Type.Integer(),
  updated: Type.Integer(),
  unchanged: Type.Integer(),
  rejected: Type.Array(
    Type.Object({
      line: Type.Integer({ description: 'Line number in the file, header is line 1' }),
      sku: Type.Union([Type.String(), Type.Null()]),
      code: Type.String(),
      field: Type.Optional(Type.String()),
      message: Type.String(),
    }),
  ),
});
