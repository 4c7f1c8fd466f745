import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSandbox } from '../../sandbox/server.ts';
import { activeProduct, call, connectShop, control, nowS, plain, startTestSandbox, uniqueSku, WebhookReceiver, type Shop } from '../support/sandbox.ts';

let sb: RunningSandbox;
let shop: Shop;
let sku: string;
let productId: string;
let receiver: WebhookReceiver;

beforeAll(async () => {
  sb = await startTestSandbox();
  receiver = await new WebhookReceiver().start();
  shop = await connectShop(sb.url);
  await control(sb.url, 'PUT', `/partners/${shop.partnerId}/webhook`, { url: receiver.url });
  sku = uniqueSku('BUOI');
  productId = await activeProduct(sb.url, shop, [{ seller_sku: sku, price: 45_000, stock: 1000 }]);
});
afterAll(async () => {
  await sb?.close();
  await receiver?.close();
});

const newOrder = async (body: Record<string, unknown> = {}, s: Shop = shop, skuOf = sku): Promise<string> =>
  (await control(sb.url, 'POST', '/orders', { shop_id: s.shopId, items: [{ seller_sku: skuOf, qty: 1 }], ...body })).order_sn;
const event = (sn: string, type: string) => plain(sb.url, 'POST', `/sandbox/orders/${sn}/events`, { type });
const act = (sn: string, action: string, body?: unknown) => call(sb.url, shop, 'POST', `/orders/${sn}/${action}`, { body: body ?? {} });
const statusOf = async (sn: string) => (await call(sb.url, shop, 'GET', '/orders/detail', { query: { order_sn_list: sn } })).body.data.orders[0].status;

describe('orders (postmart-api.md#orders)', () => {
  it('a COD home-delivery order goes READY_TO_SHIP → PROCESSED → SHIPPED → DELIVERED → COMPLETED, with VNPost tracking', async () => {
    const sn = await newOrder({ payment_method: 'COD' });
    const detail = (await call(sb.url, shop, 'GET', '/orders/detail', { query: { order_sn_list: sn } })).body.data.orders[0];
    expect(detail).toMatchObject({
      order_sn: sn,
      status: 'READY_TO_SHIP',
      payment_method: 'COD',
      currency: 'VND',
      items: [{ seller_sku: sku, product_id: productId, qty: 1, unit_price: 45_000 }],
      shipping_fee: 25_000,
      voucher_amount: 0,
      total_amount: 70_000,
      cod_amount: 70_000,
      fulfillment: { mode: 'HOME_DELIVERY' },
      recipient: { province_code: '82', province_name: 'Đồng Tháp', ward_code: expect.stringMatching(/^\d{5}$/), ward_name: expect.any(String), phone: expect.stringMatching(/^0\d{9}$/) },
    });
    expect(detail.ship_by).toBeGreaterThan(detail.create_time);

    expect((await act(sn, 'confirm')).body.data.status).toBe('PROCESSED');
    const shipped = await act(sn, 'ship', { post_office_code: 'PO28261TT' });
    expect(shipped.status).toBe(200);
    expect(shipped.body.data.package_number).toEqual(expect.any(String));
    expect(await statusOf(sn)).toBe('PROCESSED'); // the carrier has not received it yet

    expect((await event(sn, 'CARRIER_RECEIVED')).body.status).toBe('SHIPPED');
    const delivered = await event(sn, 'DELIVERED');
    expect(delivered.body.status).toBe('DELIVERED');
    const completed = (await event(sn, 'COD_REMITTED')).body;
    expect(completed.status).toBe('COMPLETED');
    expect(completed.tracking_events.map((e: { vnpost_code: string }) => e.vnpost_code)).toEqual(['TAO_BUU_GUI', 'EMA', 'EMC', 'EMG', 'EMI', 'DA_TRA_COD']);

    const tracking = await call(sb.url, shop, 'GET', `/orders/${sn}/tracking`);
    expect(tracking.body.data.tracking_number).toMatch(/^EB\d{9}VN$/);
    expect(tracking.body.data.events[1]).toMatchObject({ vnpost_code: 'EMA', post_office_code: 'PO28261TT', time: expect.any(Number), description: expect.stringContaining('Mỹ Tho') });

    const assigned = await receiver.next((r) => r.json.type === 'order.tracking_assigned' && r.json.data.order_sn === sn);
    expect(assigned.json.data.package_number).toBe(shipped.body.data.package_number);
  });

  it('a prepaid pickup order passes through UNPAID with its own event, then READY_FOR_PICKUP → PICKED_UP', async () => {
    const sn = await newOrder({ payment_method: 'VNPAY', fulfillment: { mode: 'PICKUP_AT_POST_OFFICE', post_office_code: 'PO29905' } });
    const created = await receiver.next((r) => r.json.type === 'order.created' && r.json.data.order_sn === sn);
    expect(created.json.data.status).toBe('UNPAID');
    const paid = await receiver.next((r) => r.json.type === 'order.status_changed' && r.json.data.order_sn === sn && r.json.data.status === 'READY_TO_SHIP');
    expect(paid.json.data.previous_status).toBe('UNPAID');
    const detail = (await call(sb.url, shop, 'GET', '/orders/detail', { query: { order_sn_list: sn } })).body.data.orders[0];
    expect(detail).toMatchObject({ status: 'READY_TO_SHIP', cod_amount: 0, fulfillment: { mode: 'PICKUP_AT_POST_OFFICE', post_office_code: 'PO29905' } });

    await act(sn, 'confirm');
    await act(sn, 'ship', { post_office_code: 'PO29869' });
    await event(sn, 'CARRIER_RECEIVED');
    expect((await event(sn, 'DELIVERED')).status).toBe(409); // a pickup order is not delivered home
    expect((await event(sn, 'ARRIVED_AT_PICKUP_POINT')).body.status).toBe('READY_FOR_PICKUP');
    expect((await event(sn, 'PICKED_UP')).body.status).toBe('PICKED_UP');
    expect((await event(sn, 'COD_REMITTED')).body.status).toBe('COMPLETED');
  });

  it('buyer cancellation: IN_CANCEL, then the seller accepts (CANCELLED, stock back) or rejects (back where it was)', async () => {
    const before = (await call(sb.url, shop, 'GET', `/products/${productId}`)).body.data.skus[0].stock;
    const a = await newOrder();
    expect((await call(sb.url, shop, 'GET', `/products/${productId}`)).body.data.skus[0].stock).toBe(before - 1);
    expect((await event(a, 'BUYER_CANCEL_REQUEST')).body.status).toBe('IN_CANCEL');
    await receiver.next((r) => r.json.type === 'order.buyer_cancel_requested' && r.json.data.order_sn === a);
    expect((await act(a, 'confirm')).body.error.code).toBe('INVALID_STATE_TRANSITION');
    expect((await act(a, 'buyer-cancellation', { operation: 'ACCEPT' })).body.data.status).toBe('CANCELLED');
    expect((await call(sb.url, shop, 'GET', `/products/${productId}`)).body.data.skus[0].stock).toBe(before);

    const b = await newOrder();
    await act(b, 'confirm');
    await event(b, 'BUYER_CANCEL_REQUEST');
    expect((await act(b, 'buyer-cancellation', { operation: 'REJECT' })).body.data.status).toBe('PROCESSED');
    expect((await act(b, 'buyer-cancellation', { operation: 'REJECT' })).status).toBe(409);
  });

  it('failed delivery goes FAILED_DELIVERY → TO_RETURN → RETURNED', async () => {
    const sn = await newOrder();
    await act(sn, 'confirm');
    await act(sn, 'ship', { post_office_code: 'PO28261' });
    await event(sn, 'CARRIER_RECEIVED');
    expect((await event(sn, 'DELIVERY_FAILED')).body.status).toBe('FAILED_DELIVERY');
    expect((await event(sn, 'RETURNED')).body.status).toBe('RETURNED');
    const changes = await Promise.all(
      ['TO_RETURN', 'RETURNED'].map((s) => receiver.next((r) => r.json.type === 'order.status_changed' && r.json.data.order_sn === sn && r.json.data.status === s)),
    );
    expect(changes).toHaveLength(2);
  });

  it('any other transition is 409 INVALID_STATE_TRANSITION', async () => {
    const sn = await newOrder();
    const bad = [
      () => act(sn, 'ship', { post_office_code: 'PO28261' }), // not PROCESSED yet
      () => event(sn, 'CARRIER_RECEIVED'),
      () => event(sn, 'DELIVERED'),
      () => event(sn, 'COD_REMITTED'),
      () => act(sn, 'buyer-cancellation', { operation: 'ACCEPT' }),
    ];
    for (const attempt of bad) {
      const res = await attempt();
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('INVALID_STATE_TRANSITION');
    }
    await act(sn, 'confirm');
    expect((await event(sn, 'CARRIER_RECEIVED')).status).toBe(409); // needs ship first
    await act(sn, 'ship', { post_office_code: 'PO28261' });
    expect((await act(sn, 'ship', { post_office_code: 'PO28261' })).status).toBe(409); // only once
    await event(sn, 'CARRIER_RECEIVED');
    expect((await act(sn, 'cancel', { reason: 'OUT_OF_STOCK' })).status).toBe(409); // not after SHIPPED
    expect((await event(sn, 'BUYER_CANCEL_REQUEST')).status).toBe(409);

    const c = await newOrder();
    const cancelled = await act(c, 'cancel', { reason: 'OUT_OF_STOCK' });
    expect(cancelled.body.data.status).toBe('CANCELLED');
    expect((await act(c, 'confirm')).status).toBe(409);
    const badReason = await act(c, 'cancel', { reason: 'BORED' });
    expect(badReason.body.error.details[0].field).toBe('reason');
    expect((await act(sn, 'ship', { post_office_code: 'NOPE' })).status).toBe(409);
  });

  it('ship refuses an unknown post office with INVALID_PARAM naming post_office_code', async () => {
    const sn = await newOrder();
    await act(sn, 'confirm');
    const res = await act(sn, 'ship', { post_office_code: 'PO00000' });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].field).toBe('post_office_code');
  });

  it('Postmart stock: orders decrement it; beyond it or on a SKU not ACTIVE is 409 OUT_OF_STOCK unless ignore_stock', async () => {
    const tight = uniqueSku('SAURIENG');
    const id = await activeProduct(sb.url, shop, [{ seller_sku: tight, stock: 2 }]);
    await newOrder({ items: [{ seller_sku: tight, qty: 2 }] });
    const over = await plain(sb.url, 'POST', '/sandbox/orders', { shop_id: shop.shopId, items: [{ seller_sku: tight, qty: 1 }] });
    expect(over.status).toBe(409);
    expect(over.body.error.code).toBe('OUT_OF_STOCK');
    const stale = await newOrder({ items: [{ seller_sku: tight, qty: 1 }], ignore_stock: true });
    expect(stale).toEqual(expect.any(String));
    expect((await call(sb.url, shop, 'GET', `/products/${id}`)).body.data.skus[0].stock).toBe(0);

    await call(sb.url, shop, 'POST', '/products/stock:batch', { body: { items: [{ seller_sku: tight, stock: 5 }] } });
    await call(sb.url, shop, 'POST', `/products/${id}/unlist`);
    const unlisted = await plain(sb.url, 'POST', '/sandbox/orders', { shop_id: shop.shopId, items: [{ seller_sku: tight, qty: 1 }] });
    expect(unlisted.status).toBe(409);
    expect(unlisted.body.error.code).toBe('OUT_OF_STOCK');
  });

  it('GET /orders: window ≤ 15 days, sorted by (update_time, order_sn), cursor pages without gaps or repeats', async () => {
    const mine = await connectShop(sb.url, 'HTX đơn hàng');
    const mySku = uniqueSku('CAM');
    await activeProduct(sb.url, mine, [{ seller_sku: mySku, stock: 100 }]);
    const sns: string[] = [];
    for (let i = 0; i < 7; i++) sns.push(await newOrder({}, mine, mySku));
    const from = nowS() - 3600;
    const to = nowS() + 5;
    const seen: { order_sn: string; update_time: number; status: string }[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page++) {
      const res = await call(sb.url, mine, 'GET', '/orders', {
        query: { time_field: 'create_time', time_from: String(from), time_to: String(to), page_size: '3', ...(cursor ? { cursor } : {}) },
      });
      expect(res.status).toBe(200);
      seen.push(...res.body.data.orders);
      if (!res.body.data.has_more) break;
      cursor = res.body.data.next_cursor;
    }
    expect(seen.map((o) => o.order_sn).sort()).toEqual([...sns].sort());
    const sorted = [...seen].sort((a, b) => a.update_time - b.update_time || (a.order_sn < b.order_sn ? -1 : a.order_sn > b.order_sn ? 1 : 0));
    expect(seen).toEqual(sorted);
    expect(seen[0]).toEqual({ order_sn: expect.any(String), status: 'READY_TO_SHIP', update_time: expect.any(Number) });

    const tooWide = await call(sb.url, mine, 'GET', '/orders', { query: { time_field: 'update_time', time_from: String(to - 15 * 86_400 - 1), time_to: String(to) } });
    expect(tooWide.status).toBe(400);
    expect(tooWide.body.error.details[0].field).toBe('time_to');
    const exactly15 = await call(sb.url, mine, 'GET', '/orders', { query: { time_field: 'update_time', time_from: String(to - 15 * 86_400), time_to: String(to) } });
    expect(exactly15.status).toBe(200);
    const badField = await call(sb.url, mine, 'GET', '/orders', { query: { time_field: 'ship_by', time_from: String(from), time_to: String(to) } });
    expect(badField.body.error.details[0].field).toBe('time_field');
    const byStatus = await call(sb.url, mine, 'GET', '/orders', { query: { time_field: 'update_time', time_from: String(from), time_to: String(to), status: 'CANCELLED' } });
    expect(byStatus.body.data.orders).toEqual([]);
    const detail = await call(sb.url, mine, 'GET', '/orders/detail', { query: { order_sn_list: sns.slice(0, 3).join(',') } });
    expect(detail.body.data.orders.map((o: { order_sn: string }) => o.order_sn)).toEqual(sns.slice(0, 3));
    const fiftyOne = await call(sb.url, mine, 'GET', '/orders/detail', { query: { order_sn_list: Array.from({ length: 51 }, (_, i) => `X${i}`).join(',') } });
    expect(fiftyOne.body.error.details[0].field).toBe('order_sn_list');
  });

  it('changes become visible to GET /orders only after the visibility delay; detail reads live', async () => {
    await control(sb.url, 'PUT', '/config', { order_visibility_delay_ms: 60_000 });
    try {
      const mine = await connectShop(sb.url, 'HTX trễ');
      const mySku = uniqueSku('QUYT');
      await activeProduct(sb.url, mine, [{ seller_sku: mySku, stock: 100 }]);
      // With a random lag in [0, 60 s], some of 10 fresh orders are (almost surely) not listed yet.
      const sns: string[] = [];
      for (let i = 0; i < 10; i++) sns.push(await newOrder({}, mine, mySku));
      const listed = await call(sb.url, mine, 'GET', '/orders', { query: { time_field: 'create_time', time_from: String(nowS() - 60), time_to: String(nowS() + 5), page_size: '100' } });
      expect(listed.body.data.orders.length).toBeLessThan(10);
      const detail = await call(sb.url, mine, 'GET', '/orders/detail', { query: { order_sn_list: sns.join(',') } });
      expect(detail.body.data.orders).toHaveLength(10);
    } finally {
      await control(sb.url, 'PUT', '/config', { order_visibility_delay_ms: 0 });
    }
  });
});
