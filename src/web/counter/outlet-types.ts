import type { Static } from '@sinclair/typebox';
import type { Consignment, OutletSettings, Sale, SaleList, Shelf } from '../../schemas/outlets.ts';
import { labelOf, UNIT_LABELS } from '../labels.ts';

/** The outlet API's answers as the counter's consignment and sale pages read them (issue 14). */
export type ConsignmentView = Static<typeof Consignment>;
export type ShelfView = Static<typeof Shelf>;
export type ShelfLot = ShelfView['lots'][number];
export type SaleView = Static<typeof Sale>;
export type SaleListView = Static<typeof SaleList>;
export type OutletView = Static<typeof OutletSettings>;

/** One product on the office's shelf: its lots added up, nearest best-before first (as the API lists them). */
export type ShelfProduct = {
  productId: string;
  name: string;
  /** The unit as people say it (hộp, túi), not its code. */
  unit: string;
  sku: string;
  priceVnd: number;
  sellerName: string;
  stock: number;
  /** The nearest lot's days left (null: goods that keep). */
  daysLeft: number | null;
  nearExpiry: boolean;
  lots: ShelfLot[];
};

/** Lots grouped by product, in the order of each product's nearest best-before (the API's lot order). */
export function shelfByProduct(lots: readonly ShelfLot[]): ShelfProduct[] {
  const byId = new Map<string, ShelfProduct>();
  for (const l of lots) {
    const p = byId.get(l.productId);
    if (p) {
      p.stock += l.remaining;
      p.lots.push(l);
      p.nearExpiry ||= l.nearExpiry;
    } else {
      byId.set(l.productId, { productId: l.productId, name: l.name, unit: labelOf(UNIT_LABELS, l.unit), sku: l.sku, priceVnd: l.priceVnd, sellerName: l.sellerName, stock: l.remaining, daysLeft: l.daysLeft, nearExpiry: l.nearExpiry, lots: [l] });
    }
  }
  return [...byId.values()];
}
