import { inArray } from 'drizzle-orm';
import { productListings, type ListingStatus } from '../../../db/schema/listings.ts';
import type { Db } from '../../db.ts';

/**
 * Listing status per product, for product lists and details. Its own file because the catalog
 * reads it while listings.ts reads products: kept together they were an import cycle.
 */
export async function listingStatuses(db: Db, productIds: string[]): Promise<Map<string, ListingStatus>> {
  if (productIds.length === 0) return new Map();
  const rows = await db.select({ id: productListings.productId, status: productListings.status }).from(productListings).where(inArray(productListings.productId, productIds));
  return new Map(rows.map((r) => [r.id, r.status]));
}
