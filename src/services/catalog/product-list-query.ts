import { and, desc, eq, getTableColumns, lt, sql, type SQL } from 'drizzle-orm';
import { productListings, type ListingStatus } from '../../../db/schema/listings.ts';
import { products } from '../../../db/schema/products.ts';
import type { Db } from '../../db.ts';

export type ListFilters = {
  /** Only these sellers' products (null: all). */
  scope: readonly string[] | null;
  sellerId?: string | undefined;
  category?: string | undefined;
  originWardCode?: string | undefined;
  status?: string | undefined;
  /** Folded search terms, each matched as a substring of f_search_text(name). */
  terms: string[];
  afterId?: string | undefined;
  limit: number;
};

export type ListedProductRow = typeof products.$inferSelect & { listingStatus: ListingStatus | null };
type Prepared = { execute: (params: Record<string, unknown>) => Promise<ListedProductRow[]> };

// The product list is the hottest read. Building the SQL anew per request cost about a quarter of
// its CPU (scripts/bench-api.ts), so each combination of filters present is built once per process
// as a named prepared statement, and requests only bind values.
const cache = new WeakMap<Db, Map<string, Prepared>>();

function shapeOf(f: ListFilters): string {
  return [f.scope, f.sellerId, f.category, f.originWardCode, f.status, f.afterId].map((v) => (v ? '1' : '0')).join('') + f.terms.length;
}

function build(db: Db, f: ListFilters, shape: string): Prepared {
  const where: SQL[] = [];
  if (f.scope) where.push(sql`${products.sellerId} = ANY(${sql.placeholder('scope')}::uuid[])`);
  if (f.sellerId) where.push(eq(products.sellerId, sql.placeholder('sellerId')));
  if (f.category) where.push(eq(products.category, sql.placeholder('category')));
  if (f.originWardCode) where.push(eq(products.originWardCode, sql.placeholder('origin')));
  if (f.status) where.push(eq(products.status, sql.placeholder('status')));
  f.terms.forEach((_, i) => where.push(sql`f_search_text(${products.name}) LIKE ${sql.placeholder(`t${i}`)}`));
  if (f.afterId) where.push(lt(products.id, sql.placeholder('afterId')));
  // The listing status comes in the same query: the list shows where each product stands on Postmart.
  // A scalar subquery rather than a join: drizzle maps a joined row field by field with null checks,
  // which cost more than the lookup itself (scripts/bench-api.ts).
  return db
    .select({
      ...getTableColumns(products),
      listingStatus: sql<ListingStatus | null>`(SELECT ${productListings.status} FROM ${productListings} WHERE ${productListings.productId} = ${products.id})`,
    })
    .from(products)
    .where(and(...where))
    .orderBy(desc(products.id))
    .limit(sql.placeholder('limit'))
    .prepare(`products_list_${shape}`);
}

/** Newest-first page of products matching the filters (limit rows). */
export function runProductList(db: Db, f: ListFilters): Promise<ListedProductRow[]> {
  let byShape = cache.get(db);
  if (!byShape) cache.set(db, (byShape = new Map()));
  const shape = shapeOf(f);
  let q = byShape.get(shape);
  if (!q) byShape.set(shape, (q = build(db, f, shape)));
  const params: Record<string, unknown> = {
    scope: f.scope,
    sellerId: f.sellerId,
    category: f.category,
    origin: f.originWardCode,
    status: f.status,
    afterId: f.afterId,
    limit: f.limit,
  };
  f.terms.forEach((t, i) => (params[`t${i}`] = t));
  return q.execute(params);
}
