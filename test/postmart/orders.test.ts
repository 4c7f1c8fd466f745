import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostmartError } from '../../src/postmart/client/errors.ts';
import type { RunningSandbox } from '../../sandbox/server.ts';
import { connectShop, control, productPayload, startAppAndSandbox, type ConnectedShop } from '../support/postmart.ts';

let app: FastifyInstance;
let sandbox: RunningSandbox;
let close: () => Promise<void>;
let shop: ConnectedShop;

beforeAll(async () => {
  ({ app, sandbox, close } = await startAppAndSandbox());
  shop = await connectShop(app, sandbox);
  const { product_id } = await shop.client.createProduct(shop.shopId, productPayload('QUYT-1', { skus: [{ seller_sku: 'QUYT-1', variant_name: '1 kg', price: 55000, stock: 1000 }] }), 'create:quyt');
  await control(sandbox, 'POST', `/products/${product_id}/review`, { result: 'APPROVE' });
});
afterAll(async () => {
  await shop?.close();
  await close?.();
});

const place = async (body: Record<string, unknown> = {}) =>
  (await control<{ order_sn: string }>(sandbox, 'POST', '/orders', { shop_id: shop.shopId, items: [{ seller_sku: 'QUYT-1', qty: 2 }], ...body })).order_sn;
const statusOf = async (sn: string) => (await shop.client.orderDetails(shop.shopId, [sn])).orders[0]!.status;

describe('Postmart client: orders over real HTTP against the sandbox', () => {
  it('lists orders in an update_time window and reads their details with exact integer VND amounts', async () => {
    const from = Math.floor(Date.now() / 1000) - 5;
    const sn = await place({ payment_method: 'COD', shipping_fee: 25000, voucher_amount: 10000 });
    const page = await shop.client.listOrders(shop.shopId, { time_field: 'update_time', time_from: from, time_to: Math.floor(Date.now() / 1000) + 5 });
    expect(page.orders.map((o) => o.order_sn)).toContain(sn);
    const [order] = (await shop.client.orderDetails(shop.shopId, [sn])).orders;
    expect(order).toMatchObject({ order_sn: sn, status: 'READY_TO_SHIP', payment_method: 'COD', currency: 'VND', shipping_fee: 25000, voucher_amount: 10000 });
    expect(order!.items).toEqual([expect.objectContaining({ seller_sku: 'QUYT-1', qty: 2, unit_price: 55000 })]);
    expect(order!.total_amount).toBe(2 * 55000 + 25000 - 10000);
    expect(order!.cod_amount).toBe(order!.total_amount);
  });

  it('confirms, ships to a post office and reads the VNPost tracking events', async () => {
    const sn = await place({ fulfillment: { mode: 'HOME_DELIVERY' } });
    await shop.client.confirmOrder(shop.shopId, sn, `confirm:${sn}`);
    expect(await statusOf(sn)).toBe('PROCESSED');
    const [office] = await shop.client.postOffices(shop.shopId, { province_code: '82', ward_code: '30226' });
    expect(office).toMatchObject({ ward_code: '30226', province_code: '82' });
    const shipped = await shop.client.shipOrder(shop.shopId, sn, office!.post_office_code, `ship:${sn}`);
    expect(shipped.package_number).toBeTruthy();
    await control(sandbox, 'POST', `/orders/${sn}/events`, { type: 'CARRIER_RECEIVED' });
    expect(await statusOf(sn)).toBe('SHIPPED');
    const tracking = await shop.client.tracking(shop.shopId, sn);
    expect(tracking.events.length).toBeGreaterThan(0);
    expect(tracking.events.every((e) => e.vnpost_code.length > 0 && Number.isInteger(e.time))).toBe(true);
  });

  it('cancels with a reason, and answers a buyer cancellation request both ways', async () => {
    const cancelled = await place();
    await shop.client.cancelOrder(shop.shopId, cancelled, 'OUT_OF_STOCK', `cancel:${cancelled}`);
    expect(await statusOf(cancelled)).toBe('CANCELLED');

    const accepted = await place();
    await control(sandbox, 'POST', `/orders/${accepted}/events`, { type: 'BUYER_CANCEL_REQUEST' });
    expect(await statusOf(accepted)).toBe('IN_CANCEL');
    await shop.client.buyerCancellation(shop.shopId, accepted, 'ACCEPT', `buyer-cancel:${accepted}`);
    expect(await statusOf(accepted)).toBe('CANCELLED');

    const rejected = await place();
    await control(sandbox, 'POST', `/orders/${rejected}/events`, { type: 'BUYER_CANCEL_REQUEST' });
    await shop.client.buyerCancellation(shop.shopId, rejected, 'REJECT', `buyer-cancel:${rejected}`);
    expect(await statusOf(rejected)).not.toBe('CANCELLED');
  });

  it('refuses a transition the state machine does not allow with INVALID_STATE_TRANSITION', async () => {
    const sn = await place();
    const err = await shop.client.shipOrder(shop.shopId, sn, 'ANY', `ship-early:${sn}`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PostmartError);
    expect(err).toMatchObject({ code: 'INVALID_STATE_TRANSITION', status: 409, retryable: false });
  });
});
