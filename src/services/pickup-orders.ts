import { sql, type SQL } from 'drizzle-orm';
import { orders } from '../../db/schema/orders.ts';
import { pickupPoints, shipments } from '../../db/schema/pickup-points.ts';

/** Orders passing through a pickup point: booked for drop-off there, or to be collected there by the buyer. */
export const atPickupPoint = (pickupPointId: string): SQL =>
  sql`(EXISTS (SELECT 1 FROM ${shipments} WHERE ${shipments.orderId} = ${orders.id} AND ${shipments.pickupPointId} = ${pickupPointId})
    OR ${orders.postOfficeCode} = (SELECT ${pickupPoints.code} FROM ${pickupPoints} WHERE ${pickupPoints.id} = ${pickupPointId}))`;
