import { asc, eq } from 'drizzle-orm';
import { locationStock } from '../../../db/schema/outlets.ts';
import { pickupPoints } from '../../../db/schema/pickup-points.ts';
import type { Db } from '../../db.ts';
import type { Principal } from '../accounts/access.ts';
import { getProduct } from '../catalog/products.ts';

/**
 * A product's stock per location: the farm's (products.stock, what Postmart sells) and each post
 * office's consigned stock. Who may read a product may read where it is.
 */
export async function stockByLocation(db: Db, p: Principal, productId: string) {
  const product = await getProduct(db, p, productId);
  const rows = await db
    .select({ pickupPointId: locationStock.pickupPointId, code: pickupPoints.code, name: pickupPoints.name, stock: locationStock.stock })
    .from(locationStock)
    .innerJoin(pickupPoints, eq(pickupPoints.id, locationStock.pickupPointId))
    .where(eq(locationStock.productId, productId))
    .orderBy(asc(pickupPoints.code));
  const postOffices = rows.filter((r) => r.stock > 0);
  return { productId, farm: product.stock, postOffices, total: product.stock + postOffices.reduce((s, r) => s + r.stock, 0) };
}
