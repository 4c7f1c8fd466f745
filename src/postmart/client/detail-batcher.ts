import type { OrderDetailT } from './contract.ts';

type Waiter = { resolve: (d: OrderDetailT | null) => void; reject: (err: unknown) => void };
type ShopState = { pending: Map<string, Waiter[]>; inFlight: number; scheduled: boolean };

/** postmart-api.md#orders: GET /orders/detail takes at most 50 order numbers. */
export const MAX_DETAIL_BATCH = 50;
/**
 * Calls per shop at once. Two, not one: at a low rate every order still goes out at once on its own
 * call, and only when two calls for the shop are already under way do the next orders wait, joined
 * into one call when either returns.
 */
const IN_FLIGHT_PER_SHOP = 2;

/**
 * Joins the order-detail fetches of one shop that are wanted at the same moment (concurrent webhook
 * jobs, one order each) into one GET /orders/detail of up to 50 orders: one signed call, one token
 * from the shop's rate-limit bucket, one answer to validate, instead of one per order. Nothing is
 * held back on a timer: requests made in the same turn of the event loop, or while the shop's calls
 * are under way, go together in the next call. A failed call fails each order that was in it, so
 * each job retries on its own policy; an order Postmart does not know resolves to null.
 */
export class DetailBatcher {
  private readonly shops = new Map<string, ShopState>();

  constructor(private readonly fetch: (shopId: string, orderSns: string[]) => Promise<{ orders: OrderDetailT[] }>) {}

  load(shopId: string, orderSn: string): Promise<OrderDetailT | null> {
    let shop = this.shops.get(shopId);
    if (!shop) this.shops.set(shopId, (shop = { pending: new Map(), inFlight: 0, scheduled: false }));
    const s = shop;
    return new Promise((resolve, reject) => {
      const waiters = s.pending.get(orderSn);
      if (waiters) waiters.push({ resolve, reject });
      else s.pending.set(orderSn, [{ resolve, reject }]);
      this.schedule(shopId, s);
    });
  }

  private schedule(shopId: string, shop: ShopState): void {
    if (shop.scheduled || shop.inFlight >= IN_FLIGHT_PER_SHOP || shop.pending.size === 0) return;
    shop.scheduled = true;
    setImmediate(() => {
      shop.scheduled = false;
      this.flush(shopId, shop);
    });
  }

  private flush(shopId: string, shop: ShopState): void {
    while (shop.pending.size > 0 && shop.inFlight < IN_FLIGHT_PER_SHOP) {
      const batch = new Map<string, Waiter[]>();
      for (const [sn, waiters] of shop.pending) {
        if (batch.size === MAX_DETAIL_BATCH) break;
        batch.set(sn, waiters);
      }
      for (const sn of batch.keys()) shop.pending.delete(sn);
      shop.inFlight++;
      void this.fetch(shopId, [...batch.keys()])
        .then(
          ({ orders }) => {
            const bySn = new Map(orders.map((o) => [o.order_sn, o]));
            for (const [sn, waiters] of batch) for (const w of waiters) w.resolve(bySn.get(sn) ?? null);
          },
          (err: unknown) => {
            for (const waiters of batch.values()) for (const w of waiters) w.reject(err);
          },
        )
        .finally(() => {
          shop.inFlight--;
          if (shop.pending.size > 0) this.schedule(shopId, shop);
          else if (shop.inFlight === 0 && !shop.scheduled) this.shops.delete(shopId);
        });
    }
  }
}
