import { and, asc, eq, gte, lte, sql, type SQL } from 'drizzle-orm';
import { products } from '../db/schema.ts';
import type { SandboxDeps } from '../context.ts';
import { decodeCursor, encodeCursor } from '../cursor.ts';
import type { ContractProduct } from '../forms.ts';
import type { ProductListQuery } from '../schemas.ts';
import { loadProduct, withSkus } from './products.ts';

type Deps = Pick<SandboxDeps, 'db'>;

export async function getProduct(deps: Deps, shopId: string, productId: string): Promise<ContractProduct> {
  const row = await loadProduct(deps.db, shopId, productId);
  const [product] = await withSkus(deps.db, [row]);
  return product!;
}

/** GET /products: keyset on (update_time, product_id), oldest change first. */
export async function listProducts(deps: Deps, shopId: string, q: ProductListQuery) {
  const conds: SQL[] = [eq(products.shopId, shopId)];
  if (q.status) conds.push(eq(products.status, q.status));
  if (q.updated_from !== undefined) conds.push(gte(products.updateTime, q.updated_from));
  if (q.updated_to !== undefined) conds.push(lte(products.updateTime, q.updated_to));
  if (q.cursor) {
    const k = decodeCursor(q.cursor);
    conds.push(sql`(${products.updateTime}, ${products.id} COLLATE "C") > (${k.t}, ${k.id} COLLATE "C")`);
  }
  const rows = await deps.db
    .select()
    .from(products)
    .where(and(...conds))
    .orderBy(asc(products.updateTime), sql`${products.id} COLLATE "C"`)
    .limit(q.page_size + 1);
  const page = rows.slice(0, q.page_size);
  const last = page[page.length - 1];
  const hasMore = rows.length > q.page_size;
  return {
    products: await withSkus(deps.db, page),
    next_cursor: hasMore && last ? encodeCursor({ t: last.updateTime, id: last.id }) : null,
    has_more: hasMore,
  };
}

/** Every product of a shop, any status (GET /sandbox/shops/{shop_id}/products). */
export async function allShopProducts(deps: Deps, shopId: string): Promise<ContractProduct[]> {
  const rows = await deps.db.select().from(products).where(eq(products.shopId, shopId)).orderBy(asc(products.createTime), asc(products.id));
  return withSkus(deps.db, rows);
}
