import type { Static } from '@sinclair/typebox';
import type { OrderDetail } from '../../schemas/orders.ts';
import type { Parcels, PickupPoint, Shipment } from '../../schemas/pickup-points.ts';

/** The API's answers as the counter's pages read them: the API's own schemas where this branch has them. */
export type DayView = Static<typeof Parcels>;
export type Dropoff = DayView['dropoffs'][number];
export type Pickup = DayView['pickups'][number];
export type OrderView = Static<typeof OrderDetail>;
export type ShipmentView = Static<typeof Shipment>;
export type PointView = Static<typeof PickupPoint>;

/*
 * The counter endpoints come from the counter-api branch (issue 13, src/schemas/counter.ts there);
 * until it is merged their shapes are written here as that branch declares them, with only the
 * fields the pages read. After the merge these can become Static<typeof …> of those schemas.
 */

/** GET /v1/parcels/{packageNumber} (ParcelView): the parcel at the clerk's own office, else 404. */
export type ParcelLookup = {
  orderId: string;
  packageNumber: string;
  pickup: { collectionLocked: boolean; collectedAt: string | null; returnedAt: string | null; flaggedForReturn: boolean } | null;
};

type Amounts = { parcels: number; expectedVnd: number; takenVnd: number; differenceVnd: number };
/** GET /v1/pickup-points/{id}/cash?date= (CashSheet): one line per COD parcel handed over that day, per clerk and in total. */
export type CashSheet = {
  date: string;
  closed: { closedAt: string; closedByName: string; parcels: number; totalVnd: number } | null;
  items: { orderId: string; orderSn: string; packageNumber: string | null; clerkName: string; at: string; expectedVnd: number; takenVnd: number; differenceVnd: number; reason: string | null }[];
  clerks: ({ clerkId: string; clerkName: string } & Amounts)[];
  totals: Amounts;
};

/** GET /v1/pickup-points/{id}/returns (ReturnList items): parcels to hand back to their sellers. */
export type ReturnItem = {
  orderId: string;
  orderSn: string;
  packageNumber: string | null;
  sellerName: string;
  /** Masked: the seller says the number. */
  sellerPhone?: string;
  cause: 'hold_expired' | 'refused';
  holdUntil: string | null;
  returnedAt?: string | null;
};
