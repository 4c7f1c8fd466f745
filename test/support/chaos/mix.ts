import { sql } from 'drizzle-orm';
import type { Cluster, Shop } from './cluster.ts';

/**
 * The realistic mix the chaos suite and the soak both run against the cluster's processes:
 * - buyers: the sandbox's buyer generator places orders on the shops' listed SKUs;
 * - sellers (one actor per shop, through the API): change prices and names, restock or count stock,
 *   read their product and order lists, confirm new orders and ship processed ones to the drop-off;
 * - the clerk at the drop-off point (through the API): receives each shipped parcel (handover).
 * Every call is timed per route. 4xx answers (a conflict with a concurrent change) are counted as
 * refused, 5xx and transport failures as errors; neither stops the mix.
 */
export type MixOptions = { ordersPerSecond: number; sellerOpsPerSecond: number };

type Outcome = 'ok' | 'refused' | 'error';
export type RouteStat = { route: string; calls: number; refused: number; errors: number; p50: number; p99: number; max: number };

export class RouteStats {
  private readonly byRoute = new Map<string, { ms: number[]; refused: number; errors: number }>();

  record(route: string, ms: number, outcome: Outcome): void {
    let s = this.byRoute.get(route);
    if (!s) this.byRoute.set(route, (s = { ms: [], refused: 0, errors: 0 }));
    s.ms.push(ms);
    if (outcome === 'refused') s.refused++;
    if (outcome === 'error') s.errors++;
  }

  /** Calls made so far (every route). */
  get calls(): number {
    let n = 0;
    for (const s of this.byRoute.values()) n += s.ms.length;
    return n;
  }

  get errors(): number {
    let n = 0;
    for (const s of this.byRoute.values()) n += s.errors;
    return n;
  }

  summary(): RouteStat[] {
    return [...this.byRoute]
      .map(([route, s]) => {
        const sorted = [...s.ms].sort((a, b) => a - b);
        const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
        return { route, calls: sorted.length, refused: s.refused, errors: s.errors, p50: pct(50), p99: pct(99), max: sorted.at(-1) ?? 0 };
      })
      .sort((a, b) => a.route.localeCompare(b.route));
  }
}

type Json = Record<string, any>;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)]!;

export class Mix {
  stats = new RouteStats();
  /** The lowest stock any product had when the monitor looked (every second while the mix runs). */
  lowestStock = Number.POSITIVE_INFINITY;
  private running = false;
  private actors: Promise<void>[] = [];
  private readonly handOver: string[] = [];
  private readonly shipped = new Set<string>();
  private readonly confirmed = new Set<string>();
  private edits = 0;

  constructor(
    private readonly cluster: Cluster,
    private readonly opts: MixOptions,
  ) {}

  /** Buyer orders placed by the generator, seller calls and clerk calls so far. */
  async operations(): Promise<{ orders: number; calls: number }> {
    const gen = await this.cluster.control<{ created: number }>('GET', '/generator');
    return { orders: gen.created, calls: this.stats.calls };
  }

  /** Starts the timings afresh (the soak measures after its warm-up). */
  resetStats(): void {
    this.stats = new RouteStats();
  }

  async start(): Promise<void> {
    this.running = true;
    await this.cluster.control('POST', '/generator', { shop_ids: this.cluster.shops.map((s) => s.shopId), orders_per_second: this.opts.ordersPerSecond });
    const perShop = this.opts.sellerOpsPerSecond / this.cluster.shops.length;
    this.actors = [...this.cluster.shops.map((shop) => this.seller(shop, 1000 / perShop)), this.clerk(), this.monitor()];
  }

  /** Stops the buyers, then the sellers and the clerk (each finishes the call it is making). */
  async stop(): Promise<void> {
    await this.cluster.control('DELETE', '/generator');
    this.running = false;
    await Promise.all(this.actors);
    this.actors = [];
  }

  private async call(route: string, method: string, path: string, token: string, body?: unknown): Promise<{ status: number; json: Json }> {
    const t0 = performance.now();
    try {
      const res = await fetch(`${this.cluster.apiUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'accept-language': 'en', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(20_000),
      });
      const text = await res.text();
      this.stats.record(route, performance.now() - t0, res.status < 400 ? 'ok' : res.status < 500 ? 'refused' : 'error');
      return { status: res.status, json: text.startsWith('{') ? (JSON.parse(text) as Json) : {} };
    } catch {
      this.stats.record(route, performance.now() - t0, 'error');
      return { status: 0, json: {} };
    }
  }

  private async seller(shop: Shop, everyMs: number): Promise<void> {
    const token = shop.manager.token;
    while (this.running) {
      const started = Date.now();
      const r = Math.random();
      const productId = pick(shop.productIds);
      if (r < 0.25) {
        await this.call('PATCH /v1/products/:id', 'PATCH', `/v1/products/${productId}`, token, { priceVnd: 40_000 + 500 * Math.floor(Math.random() * 100) });
      } else if (r < 0.35) {
        await this.call('PATCH /v1/products/:id', 'PATCH', `/v1/products/${productId}`, token, { name: `Xoài cát Hòa Lộc loại ${++this.edits}` });
      } else if (r < 0.5) {
        // Restock, or count the shelf and set what is there, as a cooperative does after a harvest.
        const body = Math.random() < 0.7 ? { delta: 5 + Math.floor(Math.random() * 20), reason: 'Nhập hàng vụ mới' } : { set: 30 + Math.floor(Math.random() * 50), reason: 'Kiểm kho' };
        await this.call('POST /v1/products/:id/stock', 'POST', `/v1/products/${productId}/stock`, token, body);
      } else if (r < 0.6) {
        await this.call('GET /v1/products', 'GET', '/v1/products?limit=50', token);
      } else if (r < 0.8) {
        const list = await this.call('GET /v1/orders', 'GET', '/v1/orders?status=ready_to_ship&limit=20', token);
        for (const o of (list.json.items ?? []) as Json[]) {
          if (!this.running || this.confirmed.has(o.id)) continue;
          const res = await this.call('POST /v1/orders/:id/confirm', 'POST', `/v1/orders/${o.id}/confirm`, token);
          if (res.status > 0 && res.status < 500) this.confirmed.add(o.id);
        }
      } else {
        const list = await this.call('GET /v1/orders', 'GET', '/v1/orders?status=processed&limit=20', token);
        for (const o of (list.json.items ?? []) as Json[]) {
          if (!this.running || this.shipped.has(o.id)) continue;
          const res = await this.call('POST /v1/orders/:id/ship', 'POST', `/v1/orders/${o.id}/ship`, token, { pickupPointId: this.cluster.dropOffId });
          if (res.status > 0 && res.status < 500) this.shipped.add(o.id);
          if (res.status === 202) this.handOver.push(o.id);
        }
      }
      await pause(Math.max(0, everyMs - (Date.now() - started)));
    }
  }

  private async clerk(): Promise<void> {
    const token = this.cluster.clerk.token;
    while (this.running) {
      const orderId = this.handOver.shift();
      if (!orderId) {
        await pause(200);
        continue;
      }
      const shipment = await this.call('GET /v1/orders/:id/shipment', 'GET', `/v1/orders/${orderId}/shipment`, token);
      const weight = shipment.json.declaredWeightGrams;
      const res = typeof weight === 'number' ? await this.call('POST /v1/orders/:id/handover', 'POST', `/v1/orders/${orderId}/handover`, token, { weightGrams: weight }) : shipment;
      // A failed call (the API was cut off from its database, say) is tried again later, as a clerk would.
      if (res.status === 0 || res.status >= 500) this.handOver.push(orderId);
    }
  }

  private async monitor(): Promise<void> {
    while (this.running) {
      const r = await this.cluster.db.execute<{ low: number | null }>(sql`SELECT min(stock) AS low FROM products`).catch(() => null);
      const low = r?.rows[0]?.low;
      if (low !== null && low !== undefined) this.lowestStock = Math.min(this.lowestStock, Number(low));
      await pause(1000);
    }
  }
}
