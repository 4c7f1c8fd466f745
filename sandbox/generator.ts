import { and, eq, gt, inArray, sql } from 'drizzle-orm';
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
 * The buyer generator (POST/DELETE /sandbox/generator, postmart-api.md#the-sandbox): places
 * orders at `orders_per_second` across the given shops, on random ACTIVE SKUs that have Postmart
 * stock, until `total` (or until stopped). Orders refused for stock races are counted, not retried.
 */
export class BuyerGenerator {
  private timer: NodeJS.Timeout | null = null;
  private busy: Promise<void> | null = null;
  private status: GeneratorStatus = { running: false, shop_ids: [], orders_per_second: 0, total: null, created: 0, refused: 0 };
  private startedAt = 0;

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

  private async placeOne(): Promise<boolean> {
    const shopId = this.pick(this.status.shop_ids);
    const offer = await this.deps.db
      .select({ sellerSku: skus.sellerSku, stock: skus.stock })
      .from(skus)
      .innerJoin(products, eq(products.id, skus.productId))
      .where(and(inArray(skus.shopId, [shopId]), eq(skus.deleted, false), gt(skus.stock, 0), eq(products.status, 'ACTIVE')))
      .orderBy(sql`random()`)
      .limit(1 + Math.floor(this.deps.random() * 2));
    if (offer.length === 0) return false;
    const r = this.deps.random();
    let acc = 0;
    const payment = PAYMENTS.find(([, share]) => (acc += share) >= r)?.[0] ?? 'COD';
    await createOrder(this.deps, {
      shop_id: shopId,
      items: offer.map((o) => ({ seller_sku: o.sellerSku, qty: 1 + Math.floor(this.deps.random() * Math.min(3, o.stock)) })),
      payment_method: payment,
      fulfillment: { mode: this.deps.random() < 0.3 ? 'PICKUP_AT_POST_OFFICE' : 'HOME_DELIVERY' },
    });
    return true;
  }
}
