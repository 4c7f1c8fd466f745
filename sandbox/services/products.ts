import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { products, skus } from '../db/schema.ts';
import { nowSeconds, type SandboxDeps } from '../context.ts';
import type { DbOrTx, SandboxTx } from '../db.ts';
import { invalidTransition, notFound, PmError } from '../errors.ts';
import { productSummary, toContractProduct, type ContractProduct } from '../forms.ts';
import { newProductId } from '../ids.ts';
import type { ProductCreate, ProductPatch, ProductStatus } from '../schemas.ts';

type Deps = Pick<SandboxDeps, 'db' | 'config' | 'reviewAt'>;
type ProductRow = typeof products.$inferSelect;
type SkuInput = ProductCreate['skus'][number];

const duplicateSku = (field: string, sku: string) =>
  new PmError('DUPLICATE_SELLER_SKU', `seller_sku ${sku} is already used by another product of this shop`, [{ field, message: 'already used in this shop' }]);

const isUniqueViolation = (err: unknown) => {
  const e = err as { code?: string; cause?: { code?: string } };
  return (e.cause?.code ?? e.code) === '23505';
};

export async function loadProduct(tx: DbOrTx, shopId: string, productId: string, forUpdate = false): Promise<ProductRow> {
  const q = tx.select().from(products).where(and(eq(products.id, productId), eq(products.shopId, shopId)));
  const [row] = forUpdate ? await q.for('update') : await q;
  if (!row) throw notFound('product', productId);
  return row;
}

export async function withSkus(tx: DbOrTx, rows: ProductRow[]): Promise<ContractProduct[]> {
  if (rows.length === 0) return [];
  const skuRows = await tx.select().from(skus).where(inArray(skus.productId, rows.map((r) => r.id)));
  return rows.map((r) => toContractProduct(r, skuRows));
}

function firstDuplicate(list: SkuInput[]): number {
  const seen = new Set<string>();
  for (const [i, s] of list.entries()) {
    if (seen.has(s.seller_sku)) return i;
    seen.add(s.seller_sku);
  }
  return -1;
}

/** Checks that none of these seller SKUs belongs to another live product of the shop (postmart-api.md#products). */
async function assertSkusFree(tx: SandboxTx, shopId: string, list: SkuInput[], exceptProductId: string | null): Promise<void> {
  const dup = firstDuplicate(list);
  if (dup >= 0) throw duplicateSku(`skus[${dup}].seller_sku`, list[dup]!.seller_sku);
  const conds: SQL[] = [eq(skus.shopId, shopId), eq(skus.deleted, false), inArray(skus.sellerSku, list.map((s) => s.seller_sku))];
  if (exceptProductId) conds.push(sql`${skus.productId} <> ${exceptProductId}`);
  const [taken] = await tx.select({ sellerSku: skus.sellerSku }).from(skus).where(and(...conds)).limit(1);
  if (taken) throw duplicateSku(`skus[${list.findIndex((s) => s.seller_sku === taken.sellerSku)}].seller_sku`, taken.sellerSku);
}

/** POST /products → {product_id, version, status}; the product waits in PENDING_REVIEW. */
export async function createProduct(deps: Deps, shopId: string, body: ProductCreate, idempotencyKey: string | null) {
  const nowMs = Date.now();
  const id = newProductId();
  const dueAt = nowMs + deps.config().review_delay_ms;
  try {
    await deps.db.transaction(async (tx) => {
      await assertSkusFree(tx, shopId, body.skus, null);
      await tx.insert(products).values({
        id,
        shopId,
        name: body.name,
        description: body.description ?? '',
        categoryId: body.category_id,
        images: body.images,
        unit: body.unit,
        weightGrams: body.weight_grams,
        origin: body.origin ?? null,
        certifications: body.certifications ?? [],
        shelfLifeDays: body.shelf_life_days ?? null,
        status: 'PENDING_REVIEW',
        version: 1,
        createTime: nowSeconds(nowMs),
        updateTime: nowSeconds(nowMs),
        reviewDueAt: new Date(dueAt),
        createdIdempotencyKey: idempotencyKey,
      });
      await tx.insert(skus).values(body.skus.map((s, i) => skuRow(id, shopId, s, i)));
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw duplicateSku('skus', body.skus.map((s) => s.seller_sku).join(','));
    throw err;
  }
  deps.reviewAt(dueAt);
  return { product_id: id, version: 1, status: 'PENDING_REVIEW' as ProductStatus };
}

const skuRow = (productId: string, shopId: string, s: SkuInput, position: number) => ({
  productId,
  shopId,
  sellerSku: s.seller_sku,
  variantName: s.variant_name ?? '',
  price: s.price,
  stock: s.stock,
  position,
});

/**
 * PATCH /products/{id}: partial, bumps `version`; a stale If-Match is VERSION_CONFLICT
 * (postmart-api.md#idempotency-and-versions). `skus`, when given, is the whole new list: listed
 * SKUs are updated or added, missing ones removed. Editing a REJECTED product resubmits it.
 */
export async function patchProduct(deps: Deps, shopId: string, productId: string, patch: ProductPatch, ifMatch: number | undefined): Promise<ContractProduct> {
  const nowMs = Date.now();
  let dueAt: number | null = null;
  try {
    const result = await deps.db.transaction(async (tx) => {
      const p = await loadProduct(tx, shopId, productId, true);
      if (ifMatch !== undefined && ifMatch !== p.version) {
        throw new PmError('VERSION_CONFLICT', `If-Match ${ifMatch} is stale: the product is at version ${p.version}`, [
          { field: 'If-Match', message: `current version is ${p.version}` },
        ]);
      }
      if (p.status === 'DELETED' || p.status === 'BANNED') throw invalidTransition('product', p.status, 'be edited');
      const set: Partial<typeof products.$inferInsert> = { version: p.version + 1, updateTime: nowSeconds(nowMs) };
      if (patch.name !== undefined) set.name = patch.name;
      if (patch.description !== undefined) set.description = patch.description;
      if (patch.category_id !== undefined) set.categoryId = patch.category_id;
      if (patch.images !== undefined) set.images = patch.images;
      if (patch.unit !== undefined) set.unit = patch.unit;
      if (patch.weight_grams !== undefined) set.weightGrams = patch.weight_grams;
      if (patch.origin !== undefined) set.origin = patch.origin;
      if (patch.certifications !== undefined) set.certifications = patch.certifications;
      if (patch.shelf_life_days !== undefined) set.shelfLifeDays = patch.shelf_life_days;
      if (patch.skus !== undefined) await replaceSkus(tx, p, patch.skus);
      if (p.status === 'REJECTED') {
        dueAt = nowMs + deps.config().review_delay_ms;
        Object.assign(set, { status: 'PENDING_REVIEW', rejectReason: null, reviewDueAt: new Date(dueAt) });
      }
      const [updated] = await tx.update(products).set(set).where(eq(products.id, p.id)).returning();
      const [product] = await withSkus(tx, [updated!]);
      return product!;
    });
    if (dueAt !== null) deps.reviewAt(dueAt);
    return result;
  } catch (err) {
    if (isUniqueViolation(err)) throw duplicateSku('skus', (patch.skus ?? []).map((s) => s.seller_sku).join(','));
    throw err;
  }
}

async function replaceSkus(tx: SandboxTx, p: ProductRow, list: SkuInput[]): Promise<void> {
  await assertSkusFree(tx, p.shopId, list, p.id);
  const existing = await tx.select().from(skus).where(and(eq(skus.productId, p.id), eq(skus.deleted, false)));
  const keep = new Set(list.map((s) => s.seller_sku));
  for (const old of existing) {
    if (!keep.has(old.sellerSku)) await tx.update(skus).set({ deleted: true }).where(eq(skus.id, old.id));
  }
  for (const [i, s] of list.entries()) {
    const old = existing.find((e) => e.sellerSku === s.seller_sku);
    if (old) {
      await tx.update(skus).set({ variantName: s.variant_name ?? old.variantName, price: s.price, stock: s.stock, position: i }).where(eq(skus.id, old.id));
    } else {
      await tx.insert(skus).values(skuRow(p.id, p.shopId, s, i));
    }
  }
}

const LISTING: Record<'unlist' | 'relist' | 'delete', { from: readonly string[]; to: ProductStatus }> = {
  unlist: { from: ['ACTIVE'], to: 'UNLISTED' },
  relist: { from: ['UNLISTED'], to: 'ACTIVE' },
  delete: { from: ['PENDING_REVIEW', 'ACTIVE', 'REJECTED', 'UNLISTED', 'BANNED'], to: 'DELETED' },
};

/** POST /products/{id}/unlist, /relist and DELETE /products/{id} (postmart-api.md#products: ACTIVE ↔ UNLISTED; DELETED). */
export async function changeListing(deps: Pick<Deps, 'db'>, shopId: string, productId: string, action: keyof typeof LISTING) {
  return deps.db.transaction(async (tx) => {
    const p = await loadProduct(tx, shopId, productId, true);
    const rule = LISTING[action];
    if (!rule.from.includes(p.status)) throw invalidTransition('product', p.status, action);
    const [updated] = await tx
      .update(products)
      .set({ status: rule.to, version: p.version + 1, updateTime: nowSeconds(), ...(rule.to === 'DELETED' ? { reviewDueAt: null } : {}) })
      .where(eq(products.id, p.id))
      .returning();
    // A deleted product frees its seller SKUs for a new product.
    if (rule.to === 'DELETED') await tx.update(skus).set({ deleted: true }).where(eq(skus.productId, p.id));
    return productSummary(updated!);
  });
}
