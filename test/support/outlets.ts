import { and, eq, isNull, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { locationStock } from '../../db/schema/outlets.ts';
import { products } from '../../db/schema/products.ts';
import { stockMovements } from '../../db/schema/stock-movements.ts';
import type { Principal } from '../../src/services/accounts/access.ts';
import { setCommissionRate } from '../../src/services/outlets/commission.ts';
import { updateOutletSettings, type OutletSettingsInput } from '../../src/services/outlets/outlet-points.ts';
import { makePickupPoint, makeSeller, makeUser, productBody, type TestUser } from './fixtures.ts';
import { bearer } from './http.ts';

export const asPrincipal = (u: TestUser): Principal => ({ id: u.id, role: u.role, name: 'test', sellerId: u.sellerId, pickupPointId: null });

/** A seller with a manager and an agreed commission, an office with a clerk, and an admin. */
export async function outletWorld(app: FastifyInstance, opts: { rateBp?: number; outlet?: OutletSettingsInput; point?: Parameters<typeof makePickupPoint>[1] } = {}) {
  const seller = await makeSeller(app);
  const admin = await makeUser(app, 'admin');
  const manager = await makeUser(app, 'seller_manager', { sellerId: seller.id });
  const pointId = await makePickupPoint(app, opts.point);
  const clerk = await makeUser(app, 'post_office_clerk', { pickupPointId: pointId });
  const otherClerk = await makeUser(app, 'post_office_clerk', { pickupPointId: pointId });
  if (opts.rateBp !== undefined) await setCommissionRate(app.db, asPrincipal(admin), seller.id, { rateBp: opts.rateBp });
  if (opts.outlet) await updateOutletSettings(app.db, asPrincipal(admin), pointId, opts.outlet);

  const createProduct = async (over: Record<string, unknown> = {}) => {
    const res = await app.inject({ method: 'POST', url: '/v1/products', headers: bearer(manager), payload: productBody(over) });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; sku: string; name: string; stock: number; priceVnd: number };
  };
  const consign = async (lines: Record<string, unknown>[], by: TestUser = manager) =>
    app.inject({ method: 'POST', url: '/v1/consignments', headers: bearer(by), payload: { pickupPointId: pointId, lines } });
  const receive = async (consignment: { id: string; lines: { id: string; qtySent: number }[] }, counts?: number[], by: TestUser = clerk) =>
    app.inject({
      method: 'POST',
      url: `/v1/consignments/${consignment.id}/receive`,
      headers: bearer(by),
      payload: { counts: consignment.lines.map((l, i) => ({ lineId: l.id, qtyReceived: counts?.[i] ?? l.qtySent })) },
    });
  /** Consigns and counts in as sent, answering the received consignment. */
  const stockOffice = async (lines: Record<string, unknown>[]) => {
    const sent = await consign(lines);
    expect(sent.statusCode, sent.body).toBe(201);
    const got = await receive(sent.json());
    expect(got.statusCode, got.body).toBe(200);
    return got.json() as { id: string; lines: { id: string; productId: string; remaining: number; bestBefore: string | null }[] };
  };
  const sell = (lines: { productId: string; qty: number }[], payment: 'cash' | 'bank_transfer' = 'cash', by: TestUser = clerk, extra: Record<string, unknown> = {}) =>
    app.inject({ method: 'POST', url: '/v1/counter-sales', headers: bearer(by), payload: { lines, payment, ...extra } });

  return { seller, admin, manager, pointId, clerk, otherClerk, createProduct, consign, receive, stockOffice, sell };
}

/**
 * Each location's stock next to the sum of its ledger rows: the farm (products.stock, ledger rows
 * without a location) and the post office (location_stock, its rows).
 */
export async function ledgerByLocation(app: FastifyInstance, productId: string, pointId: string) {
  const sum = async (where: ReturnType<typeof and>) =>
    (await app.db.select({ t: sql<number>`coalesce(sum(${stockMovements.delta}), 0)::int` }).from(stockMovements).where(where))[0]!.t;
  const [p] = await app.db.select({ stock: products.stock }).from(products).where(eq(products.id, productId));
  const [l] = await app.db.select({ stock: locationStock.stock }).from(locationStock).where(and(eq(locationStock.productId, productId), eq(locationStock.pickupPointId, pointId)));
  const negative = (await app.db.select({ n: sql<number>`count(*)::int` }).from(stockMovements).where(and(eq(stockMovements.productId, productId), sql`${stockMovements.stockAfter} < 0`)))[0]!.n;
  return {
    farm: { stock: p!.stock, ledger: await sum(and(eq(stockMovements.productId, productId), isNull(stockMovements.pickupPointId))) },
    office: { stock: l?.stock ?? 0, ledger: await sum(and(eq(stockMovements.productId, productId), eq(stockMovements.pickupPointId, pointId))) },
    negativeRows: negative,
  };
}
