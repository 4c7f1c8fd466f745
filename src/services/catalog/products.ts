import { desc, eq, sql } from 'drizzle-orm';
import type { ListingStatus } from '../../../db/schema/listings.ts';
import { products } from '../../../db/schema/products.ts';
import { stockMovements } from '../../../db/schema/stock-movements.ts';
import type { Db, Tx } from '../../db.ts';
import { AppError, invalid, notFound } from '../../errors.ts';
import { pageOf } from '../../lib/cursor.ts';
import { cursorId } from '../../lib/paging.ts';
import { newId } from '../../lib/ids.ts';
import { escapeLike, foldForSearch, searchTerms } from '../../lib/text.ts';
import { toVnIso } from '../../lib/time.ts';
import type { ProductCreateInput, ProductPatchInput, ProductQueryInput, StockChangeInput } from '../../schemas/products.ts';
import { authorize, authorizeAction, sellersInScope, type Principal } from '../accounts/access.ts';
import { diff, recordAudit, type Actor } from '../accounts/audit.ts';
import { isUniqueViolation } from '../../lib/pg-errors.ts';
import { recordListingChange } from '../outbox/listing-outbox.ts';
import { OUTBOX_KIND } from '../outbox/outbox.ts';
import { recordOpeningStock, setStockLocked } from '../stock/ledger.ts';
import { listingStatuses } from '../listings/listing-statuses.ts';
import { runProductList } from './product-list-query.ts';
import { checkProductRules } from './product-rules.ts';
import { getSeller } from '../accounts/sellers.ts';

export type ProductRow = typeof products.$inferSelect;
export type ProductView = Omit<ProductRow, 'createdAt' | 'updatedAt'> & { createdAt: string; updatedAt: string; listingStatus: ListingStatus };

/** One object per row: the product list builds fifty of these per request. */
export function toProductView(row: ProductRow, listingStatus: ListingStatus | null = null): ProductView {
  return { ...row, createdAt: toVnIso(row.createdAt), updatedAt: toVnIso(row.updatedAt), listingStatus: listingStatus ?? 'not_listed' };
}

/** Product views with their current Postmart listing status. */
async function viewsOf(db: Db, rows: ProductRow[]): Promise<ProductView[]> {
  const statuses = await listingStatuses(db, rows.map((r) => r.id));
  return rows.map((r) => toProductView(r, statuses.get(r.id)));
}
const viewOf = async (db: Db, row: ProductRow) => (await viewsOf(db, [row]))[0]!;

const skuTaken = (sku: string) =>
  new AppError('CONFLICT', { detail: { vi: `người bán đã có sản phẩm mã ${sku}`, en: `the seller already has a product with SKU ${sku}` } }, 'sku');

async function loadProduct(db: Db | Tx, id: string, lock = false): Promise<ProductRow | null> {
  const q = db.select().from(products).where(eq(products.id, id));
  const [row] = lock ? await q.for('update') : await q;
  return row ?? null;
}

export async function getProduct(db: Db, p: Principal, id: string): Promise<ProductView> {
  const row = await loadProduct(db, id);
  authorize(p, 'product', 'read', row);
  return viewOf(db, row!);
}

/**
 * Keyset paging on the UUIDv7 id (newest first). Rows inserted while a client pages get larger ids,
 * so they never shift the pages after the cursor: no duplicates, no gaps.
 */
export async function listProducts(db: Db, p: Principal, query: ProductQueryInput): Promise<{ items: ProductView[]; nextCursor: string | null }> {
  authorizeAction(p, 'product', 'list');
  const rows = await runProductList(db, {
    scope: sellersInScope(p, 'product'),
    sellerId: query.sellerId,
    category: query.category,
    originWardCode: query.originWardCode,
    status: query.status,
    terms: searchTerms(foldForSearch(query.q ?? '')).map((t) => `%${escapeLike(t)}%`),
    afterId: query.cursor ? cursorId(query.cursor) : undefined,
    limit: query.limit + 1,
  });
  const { page, nextCursor } = pageOf(rows, query.limit);
  return { items: page.map((r) => toProductView(r, r.listingStatus)), nextCursor };
}

async function resolveSellerForCreate(db: Db, p: Principal, sellerId: string | undefined): Promise<string> {
  authorizeAction(p, 'product', 'create');
  const id = sellerId ?? p.sellerId;
  if (!id) throw invalid('sellerId', { vi: 'bắt buộc: sản phẩm thuộc người bán nào?', en: 'is required: which seller owns the product?' });
  try {
    await getSeller(db, p, id);
  } catch (err) {
    // Unknown or invisible seller: still 404 (existence is not revealed), but name the field.
    if (err instanceof AppError && err.code === 'NOT_FOUND') throw new AppError('NOT_FOUND', err.params, 'sellerId');
    throw err;
  }
  // Seeing the seller is not enough: a clerk may create for them only under an authorization with the catalog scope.
  authorize(p, 'product', 'create', { sellerId: id });
  return id;
}

/** Inserts a product and its opening stock movement; the caller owns the transaction. */
export async function insertProduct(tx: Tx, actor: Actor, sellerId: string, input: Omit<ProductCreateInput, 'sellerId'>, movementKind: 'initial' | 'import'): Promise<ProductRow> {
  const stock = input.stock ?? 0;
  const [row] = await tx
    .insert(products)
    .values({
      id: newId(),
      sellerId,
      sku: input.sku,
      name: input.name.trim(),
      description: input.description ?? '',
      category: input.category,
      unit: input.unit,
      priceVnd: input.priceVnd,
      stock,
      weightGrams: input.weightGrams,
      images: input.images ?? [],
      originWardCode: input.originWardCode,
      shelfLifeDays: input.shelfLifeDays ?? null,
      harvestFrom: input.harvestFrom ?? null,
      harvestTo: input.harvestTo ?? null,
      certifications: input.certifications ?? [],
      status: input.status ?? 'draft',
    })
    .returning();
  if (stock > 0) await recordOpeningStock(tx, row!.id, stock, movementKind, actor.userId);
  await recordAudit(tx, actor, 'product.create', { type: 'product', id: row!.id }, diff(null, row!));
  await recordListingChange(tx, row!.id, row!.version, 'create');
  return row!;
}

export async function createProduct(db: Db, p: Principal, actor: Actor, input: ProductCreateInput): Promise<ProductView> {
  const sellerId = await resolveSellerForCreate(db, p, input.sellerId);
  await checkProductRules(db, input, input);
  try {
    const row = await db.transaction((tx) => insertProduct(tx, actor, sellerId, input, 'initial'));
    return toProductView(row);
  } catch (err) {
    if (isUniqueViolation(err, 'products_seller_sku_uq')) throw skuTaken(input.sku);
    throw err;
  }
}

/** The fields of `patch` whose values differ from `current`; empty means the change is a no-op. */
export function changedFields(current: ProductRow, patch: ProductPatchInput): Partial<ProductRow> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    const value = typeof v === 'string' && (k === 'name' || k === 'sku') ? v.trim() : v;
    if (JSON.stringify((current as Record<string, unknown>)[k] ?? null) !== JSON.stringify(value ?? null)) out[k] = value;
  }
  return out;
}

/** Applies a patch inside the caller's transaction (row locked); bumps the version only when something changed. */
export async function applyProductPatch(tx: Tx, actor: Actor, current: ProductRow, patch: ProductPatchInput, action: string): Promise<ProductRow> {
  const changes = changedFields(current, patch);
  if (Object.keys(changes).length === 0) return current;
  const [row] = await tx
    .update(products)
    .set({ ...changes, version: sql`${products.version} + 1`, updatedAt: new Date() })
    .where(eq(products.id, current.id))
    .returning();
  await recordAudit(tx, actor, action, { type: 'product', id: current.id }, diff(current, row!));
  // Price alone travels by the batch endpoints; anything else needs the product's own sync.
  const onlyPrice = Object.keys(changes).every((k) => k === 'priceVnd');
  await recordListingChange(tx, current.id, row!.version, action, onlyPrice ? OUTBOX_KIND.listingPriceStock : OUTBOX_KIND.listingFull);
  return row!;
}

export async function updateProduct(
  db: Db,
  p: Principal,
  actor: Actor,
  id: string,
  patch: ProductPatchInput,
  ifMatch?: number,
): Promise<ProductView> {
  const before = await loadProduct(db, id);
  authorize(p, 'product', 'update', before);
  await checkProductRules(db, { ...before!, ...patch }, patch);
  try {
    const row = await db.transaction(async (tx) => {
      const current = await loadProduct(tx, id, true);
      if (!current) throw notFound('product');
      if (ifMatch !== undefined && current.version !== ifMatch) throw new AppError('VERSION_CONFLICT', { current: current.version });
      return applyProductPatch(tx, actor, current, patch, 'product.update');
    });
    return await viewOf(db, row);
  } catch (err) {
    if (isUniqueViolation(err, 'products_seller_sku_uq')) throw skuTaken(patch.sku ?? '');
    throw err;
  }
}

/** DELETE archives: orders and the ledger keep referring to the product. */
export async function archiveProduct(db: Db, p: Principal, actor: Actor, id: string): Promise<ProductView> {
  const before = await loadProduct(db, id);
  authorize(p, 'product', 'update', before);
  const row = await db.transaction(async (tx) => {
    const current = await loadProduct(tx, id, true);
    if (!current) throw notFound('product');
    return applyProductPatch(tx, actor, current, { status: 'archived' }, 'product.archive');
  });
  return viewOf(db, row);
}

export async function changeStock(db: Db, p: Principal, actor: Actor, id: string, change: StockChangeInput): Promise<ProductView> {
  const before = await loadProduct(db, id);
  authorize(p, 'product', 'update', before);
  if ((change.set === undefined) === (change.delta === undefined)) {
    throw invalid(change.set === undefined ? 'set' : 'delta', {
      vi: 'gửi đúng một trong hai trường set (số tuyệt đối) hoặc delta (±n)',
      en: 'send exactly one of set (absolute) or delta (±n)',
    });
  }
  if (change.delta === 0) throw invalid('delta', { vi: 'phải khác 0', en: 'must not be 0' });
  const row = await db.transaction(async (tx) => {
    const current = await loadProduct(tx, id, true);
    if (!current) throw notFound('product');
    return setStockLocked(tx, actor, current, change, change.set !== undefined ? 'set' : 'adjust');
  });
  return viewOf(db, row);
}

export { loadProduct, setStockLocked };

export type StockMovementView = Omit<typeof stockMovements.$inferSelect, 'createdAt'> & { createdAt: string };

/** The product's stock ledger, newest first. */
export async function listStockMovements(db: Db, p: Principal, id: string, limit: number): Promise<StockMovementView[]> {
  authorize(p, 'product', 'read', await loadProduct(db, id));
  const rows = await db
    .select()
    .from(stockMovements)
    .where(eq(stockMovements.productId, id))
    .orderBy(desc(stockMovements.id))
    .limit(limit);
  return rows.map((r) => ({ ...r, createdAt: toVnIso(r.createdAt) }));
}
