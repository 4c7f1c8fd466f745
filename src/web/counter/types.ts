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
 * The counter endpoints come from the counter-api branch (issue 13); until it is merged their
 * shapes are written here as that branch declares them, with only the fields the pages read.
 */

/** GET /v1/parcels/{packageNumber}: the parcel at the clerk's own office. */
export type ParcelLookup = { orderId: string; packageNumber?: string | null };

/** GET /v1/pickup-points/{id}/cash?date=: one line per COD parcel handed over that day. */
export type CashLine = {
  orderId: string;
  orderSn: string;
  packageNumber?: string | null;
  expectedVnd: number;
  takenVnd: number;
  reason: string | null;
  clerkName?: string | null;
  at: string;
};
export type CashSheet = {
  date: string;
  items: CashLine[];
  totals: { parcels: number; expectedVnd: number; takenVnd: number };
  closed: { at: string; byName?: string | null } | null;
};

/** GET /v1/pickup-points/{id}/returns: parcels to hand back to their sellers. */
export type ReturnItem = {
  orderId: string;
  orderSn: string;
  packageNumber?: string | null;
  sellerName: string;
  cause: 'hold_expired' | 'refused' | string;
  holdUntil?: string | null;
  returnedAt?: string | null;
};
