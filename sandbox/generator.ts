import { and, eq, gt, inArray } from 'drizzle-orm';
import type { Logger } from 'pino';
import { products, skus } from './db/schema.ts';
import type { SandboxDeps } from './context.ts';
import { PmError } from './errors.ts';
import { createOrder } from './services/orders.ts';

export type GeneratorRequest = { shop_ids: string[]; orders_per_second: number; total?: number | undefined };
export type GeneratorStatus = {
  running: boolean;
  shop_ids: string[];
  orders_per_second: number;
  total: number | null;
  created: number;
  refused: number;
};

/** Most orders are one or two lines; rural buyers mostly pay cash on delivery. */
const PAYMENTS = [
  ['COD', 0.6],
  ['VNPAY', 0.25],
  ['BANK_TRANSFER', 0.15],
] as const;
const MAX_PER_TICK = 20;
const BUYERS_AT_ONCE = 4;
/**
 * How long the buyers' view of what is on sale is reused. Reading it for every order (one random
 * pick per order in SQL) was a third of the generator's database work at 100 orders/s; a buyer
 * who picks a SKU sold out meanwhile is refused OUT_OF_STOCK and counted, as on the marketplace.
 */
const OFFERS_TTL_MS = 500;

type Offer = { sellerSku: string; stock: number };

/**
 * The buyer generator (POST/DELETE /sandbox/generator, postmart-api.md#the-sandbox): places
 * orders at `orders_per_second` across the given shops, on random ACTIVE SKUs that have Postmart
 * stock, until `total` (or until stopped). Orders refused for stock races are counted, not retried.
 */
export class BuyerGenerator {
  private timer: NodeJS.Timeout | null = null;
  private busy: Promise<void> | null = null;
  private status: GeneratorStatus = { running: false, shop_ids: [], orders_per_second: 0, total: null, created: 0, refused: 0 };
  private startedAt = 0;
  private offers: { at: number; byShop: Map<string, Offer[]> } | null = null;

  constructor(
    private readonly deps: SandboxDeps,
    private readonly log: Logger,
  ) {}

  current(): GeneratorStatus {
    return { ...this.status, shop_ids: [...this.status.shop_ids] };
  }

  async start(req: GeneratorRequest): Promise<GeneratorStatus> {
    await this.stop();
    this.status = { running: true, shop_ids: req.shop_ids, orders_per_second: req.orders_per_second, total: req.total ?? null, created: 0, refused: 0 };
    this.startedAt = Date.now();
    this.offers = null;
    const every = Math.max(20, Math.min(1000, Math.floor(1000 / req.orders_per_second)));
    this.timer = setInterval(() => {
      if (!this.busy) this.busy = this.tick().finally(() => (this.busy = null));
    }, every);
    return this.current();
  }

  async stop(): Promise<GeneratorStatus> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.busy;
    this.status.running = false;
    return this.current();
  }

  private async tick(): Promise<void> {
    const s = this.status;
    const done = s.created + s.refused;
    const due = Math.floor(((Date.now() - this.startedAt) / 1000) * s.orders_per_second) + 1 - done;
    const remaining = s.total === null ? Infinity : s.total - done;
    const n = Math.min(due, remaining, MAX_PER_TICK);
    // Several buyers at once, as on the real marketplace; one at a time could not keep a high pace.
    let left = n;
    const buyer = async () => {
      while (left > 0 && this.timer) {
        left--;
        try {
          if (await this.placeOne()) s.created++;
          else s.refused++;
        } catch (err) {
          s.refused++;
          if (!(err instanceof PmError)) this.log.warn({ err }, 'generator order failed');
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(BUYERS_AT_ONCE, n) }, buyer));
    if (s.total !== null && s.created + s.refused >= s.total && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
      s.running = false;
    }
  }

  private pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.deps.random() * list.length)]!;
  }

  /** What each shop has on sale (ACTIVE, in stock), read for all the generator's shops at once and reused for OFFERS_TTL_MS. */
  private async currentOffers(): Promise<Map<string, Offer[]>> {
    if (this.offers && Date.now() - this.offers.at < OFFERS_TTL_MS) return this.offers.byShop;
    const rows = await this.deps.db
      .select({ shopId: skus.shopId, sellerSku: skus.sellerSku, stock: skus.stock })
      .from(skus)
      .innerJoin(products, eq(products.id, skus.productId))
      .where(and(inArray(skus.shopId, this.status.shop_ids), eq(skus.deleted, false), gt(skus.stock, 0), eq(products.status, 'ACTIVE')))
      .orderBy(skus.id);
    const byShop = new Map<string, Offer[]>();
    for (const r of rows) {
      const list = byShop.get(r.shopId);
      if (list) list.push(r);
      else byShop.set(r.shopId, [r]);
    }
    this.offers = { at: Date.now(), byShop };
    return byShop;
  }

  private async placeOne(): Promise<boolean> {
    const shopId = this.pick(this.status.shop_ids);
    const onSale = ((await this.currentOffers()).get(shopId) ?? []).filter((o) => o.stock > 0);
    // One or two different SKUs, at random.
    const offer: Offer[] = [];
    const want = Math.min(1 + Math.floor(this.deps.random() * 2), onSale.length);
    while (offer.length < want) {
      const o = this.pick(onSale);
      if (!offer.includes(o)) offer.push(o);
    }
    if (offer.length === 0) return false;
    const r = this.deps.random();
    let acc = 0;
    const payment = PAYMENTS.find(([, share]) => (acc += share) >= r)?.[0] ?? 'COD';
    const items = offer.map((o) => ({ seller_sku: o.sellerSku, qty: 1 + Math.floor(this.deps.random() * Math.min(3, o.stock)) }));
    for (const [i, o] of offer.entries()) o.stock -= items[i]!.qty;
    await createOrder(this.deps, {
      shop_id: shopId,
      items,
      payment_method: payment,
      fulfillment: { mode: this.deps.random() < 0.3 ? 'PICKUP_AT_POST_OFFICE' : 'HOME_DELIVERY' },
    });
    return true;
  }
}
