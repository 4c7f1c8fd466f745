import { Type } from '@sinclair/typebox';
import { SELLER_KINDS } from '../../db/schema/sellers.ts';
import { Cursor, Label, Limit, Phone, StringEnum, Timestamp, Uuid, WardCode } from './common.ts';

const fields = {
  kind: StringEnum(SELLER_KINDS, { description: 'hợp tác xã (cooperative), hộ gia đình (household) or doanh nghiệp (enterprise)' }),
  name: Label(200),
  taxCode: Type.Union([Type.String({ pattern: '^\\d{10}(-\\d{3})?$', description: 'Mã số thuế: 10 digits, or 10-3 for a branch' }), Type.Null()]),
  phone: Phone,
  wardCode: WardCode,
  address: Label(500, { description: 'Street address within the commune' }),
};

export const SellerCreate = Type.Object(
  { kind: fields.kind, name: fields.name, taxCode: Type.Optional(fields.taxCode), phone: fields.phone, wardCode: fields.wardCode, address: fields.address },
  { additionalProperties: false },
);
const postmartIncludesConsigned = Type.Boolean({
  description: 'Postmart sells the farm’s stock plus the stock consigned at post offices (default false: the farm’s only). An order beyond the farm’s stock recalls the rest from the offices, largest holding first.',
});
export const SellerPatch = Type.Partial(Type.Object({ ...SellerCreate.properties, postmartIncludesConsigned }), { additionalProperties: false, minProperties: 1 });

export const Seller = Type.Object(
  {
    id: Uuid(),
    kind: fields.kind,
    name: Type.String(),
    taxCode: Type.Union([Type.String(), Type.Null()]),
    phone: Type.String(),
    wardCode: Type.String(),
    address: Type.String(),
    postmartIncludesConsigned,
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Seller' },
);

export const SellerQuery = Type.Object({ limit: Limit, cursor: Type.Optional(Cursor) }, { additionalProperties: false });
