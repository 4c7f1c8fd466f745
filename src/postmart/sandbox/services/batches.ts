import { and, eq, inArray, sql } from 'drizzle-orm';
import { products, skus } from '../../../../db/sandbox/schema.ts';
import { nowSeconds, type SandboxDeps } from '../context.ts';

export type BatchKind = 'price' | 'stock';
export type BatchItemResult = { seller_sku: string; ok: boolean; error?: { code: string; message: string } };

const LIMITS: Record<BatchKind, { min: number; max: number; what: string }> = {
  price: { min: 1, max: 1_000_000_000, what: 'an integer VND amount of at least 1' },
  stock: { min: 0, max: 10_000_000, what: 'an absolute integer of at least 0' },
};

type Checked = { sellerSku: string; value: number } | { result: BatchItemResult };

function checkItem(kind: BatchKind, item: unknown, index: number): Checked {
  const rec = item !== null && typeof item === 'object' && !Array.isArray(item) ? (item as Record<string, unknown>) : null;
  const sellerSku = rec && typeof rec.seller_sku === 'string' ? rec.seller_sku : '';
  const bad = (message: string): Checked => ({ result: { seller_sku: sellerSku, ok: false, error: { code: 'INVALID_PARAM', message: `items[${index}].${message}` } } });
  if (!rec) return bad('must be an object');
  if (sellerSku === '') return bad('seller_sku: required, a non-empty string');
  const extra = Object.keys(rec).find((k) => k !== 'seller_sku' && k !== kind);
  if (extra) return bad(`${extra}: unknown field`);
  const value = rec[kind];
  const { min, max, what } = LIMITS[kind];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) return bad(`${kind}: must be ${what}`);
  return { sellerSku, value };
}

/**
 * POST /products/prices:batch and /products/stock:batch (postmart-api.md#products): ≤ 50 items,
 * answered per item `{seller_sku, ok, error?}`; a bad item does not fail the others. Stock is
 * absolute. Each product touched gets one version bump.
 */
export async function applyBatch(deps: Pick<SandboxDeps, 'db'>, shopId: string, kind: BatchKind, items: unknown[]): Promise<{ items: BatchItemResult[] }> {
  return deps.db.transaction(async (tx) => {
    const results: BatchItemResult[] = [];
    const touched = new Set<string>();
    for (const [i, item] of items.entries()) {
      const checked = checkItem(kind, item, i);
      if ('result' in checked) {
        results.push(checked.result);
        continue;
      }
      const set = kind === 'price' ? { price: checked.value } : { stock: checked.value };
      const [row] = await tx
        .update(skus)
        .set(set)
        .where(and(eq(skus.shopId, shopId), eq(skus.sellerSku, checked.sellerSku), eq(skus.deleted, false)))
        .returning({ productId: skus.productId });
      if (!row) {
        results.push({ seller_sku: checked.sellerSku, ok: false, error: { code: 'NOT_FOUND', message: `seller_sku ${checked.sellerSku} is not a SKU of a live product of this shop` } });
        continue;
      }
      touched.add(row.productId);
      results.push({ seller_sku: checked.sellerSku, ok: true });
    }
    if (touched.size > 0) {
      await tx
        .update(products)
        .set({ version: sql`${products.version} + 1`, updateTime: nowSeconds() })
        .where(inArray(products.id, [...touched]));
    }
    return { items: results };
  });
}
