// npm run demo:flow — against a running `npm start`, walks one order of the demo from the buyer to
// the collection counter, printing each step: a buyer orders in the sandbox for pickup at the Mỹ Hiệp
// office, the seller manager confirms, asks for drop-off suggestions and ships, the clerk receives
// the parcel, the carrier brings it to the office, and the clerk hands it to the buyer (a wrong phone
// number first, refused). Uses only the public API, the sandbox control API and the demo accounts.
const API = process.env.DEMO_API_URL ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`;
const SANDBOX = process.env.DEMO_SANDBOX_URL ?? `http://127.0.0.1:${process.env.SANDBOX_PORT ?? 4010}/sandbox`;
const BUYER_PHONE = '0912345678';

type Json = Record<string, any>;

async function call(method: string, url: string, token: string | null, body?: unknown): Promise<Json> {
  const res = await fetch(url, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }), 'accept-language': 'en' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  const json = text ? (JSON.parse(text) as Json) : {};
  if (res.status >= 400) throw Object.assign(new Error(`${method} ${url} → ${res.status}: ${text}`), { status: res.status, body: json });
  return json;
}

/** Polls until `accept` holds: the steps that cross a queue or a webhook take a moment. */
async function until<T>(what: string, probe: () => Promise<T>, accept: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = await probe();
    if (accept(v)) return v;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const step = (n: number, text: string) => process.stdout.write(`${n}. ${text}\n`);
const login = async (phone: string, password: string) => (await call('POST', `${API}/v1/auth/login`, null, { phone, password })).token as string;

async function main() {
  const seller = await login('0900000003', 'demo-seller-2026');
  const clerk = await login('0900000004', 'demo-clerk-2026');
  const me = await call('GET', `${API}/v1/me`, seller);
  const connection = await call('GET', `${API}/v1/sellers/${me.sellerId}/postmart`, seller);
  const products = await call('GET', `${API}/v1/products?limit=50`, seller);
  const product = products.items.find((p: Json) => p.listingStatus === 'listed' && p.stock > 0);
  if (!product) throw new Error('no listed product with stock yet: wait for the first sync after `npm start`');
  const clerkPoint = await call('GET', `${API}/v1/pickup-points/${(await call('GET', `${API}/v1/me`, clerk)).pickupPointId}`, clerk);
  step(1, `${me.name} sells ${product.name} (${product.sku}, stock ${product.stock}) on Postmart shop ${connection.shopId}; the clerk works at ${clerkPoint.name} (${clerkPoint.code})`);

  const { order_sn: sn } = await call('POST', `${SANDBOX}/orders`, null, {
    shop_id: connection.shopId,
    items: [{ seller_sku: product.sku, qty: 1 }],
    fulfillment: { mode: 'PICKUP_AT_POST_OFFICE', post_office_code: clerkPoint.code },
    recipient: { phone: BUYER_PHONE },
  });
  const found = await until('the order to arrive by webhook', () => call('GET', `${API}/v1/orders?limit=100`, seller), (l) => l.items.some((o: Json) => o.orderSn === sn));
  const orderId = found.items.find((o: Json) => o.orderSn === sn).id as string;
  const imported = await call('GET', `${API}/v1/orders/${orderId}`, seller);
  step(2, `a buyer ordered ${sn} on Postmart for pickup at ${clerkPoint.code}; imported as ${imported.status}, COD ${imported.codAmountVnd} VND, stock reserved`);

  await call('POST', `${API}/v1/orders/${orderId}/confirm`, seller);
  await until('Postmart to accept the confirmation', () => call('GET', `${API}/v1/orders/${orderId}`, seller), (o) => o.status === 'processed');
  const suggestions = await call('GET', `${API}/v1/orders/${orderId}/pickup-suggestions`, seller);
  const best = suggestions.items[0];
  step(3, `the seller confirmed (processed); best drop-off: ${best.name} (${best.code}), ${best.distanceKm} km, ${best.remainingToday} slots left today`);

  await call('POST', `${API}/v1/orders/${orderId}/ship`, seller, { pickupPointId: best.id });
  const shipment = await until('Postmart to accept the shipment', () => call('GET', `${API}/v1/orders/${orderId}/shipment`, seller), (s) => s.state === 'accepted');
  step(4, `shipped through ${shipment.pickupPointCode}: package ${shipment.packageNumber}, one slot of today's capacity booked`);

  if (best.id === clerkPoint.id) {
    const handover = await call('POST', `${API}/v1/orders/${orderId}/handover`, clerk, { weightGrams: shipment.declaredWeightGrams });
    step(5, `the clerk received the parcel at ${handover.pickupPointCode}, weighed ${handover.measuredWeightGrams} g (declared ${handover.declaredWeightGrams} g)`);
  } else {
    step(5, `the parcel is dropped at ${best.code}, whose clerk records the handover (the demo clerk works at ${clerkPoint.code})`);
  }

  await call('POST', `${SANDBOX}/orders/${sn}/events`, null, { type: 'CARRIER_RECEIVED' });
  await call('POST', `${SANDBOX}/orders/${sn}/events`, null, { type: 'ARRIVED_AT_PICKUP_POINT' });
  const waiting = await until('the parcel to reach the pickup office', () => call('GET', `${API}/v1/orders/${orderId}`, clerk), (o) => o.status === 'ready_for_pickup');
  step(6, `the carrier brought it to ${clerkPoint.code}: ${waiting.status}, ${waiting.tracking?.length ?? 0} tracking entries`);

  // A cash-on-delivery parcel: the clerk records the cash taken, the COD amount.
  const cash = waiting.paymentMethod === 'COD' && waiting.codAmountVnd > 0 ? { cashVnd: waiting.codAmountVnd } : {};
  const wrong = await call('POST', `${API}/v1/orders/${orderId}/collect`, clerk, { phone: '0999999999', ...cash }).catch((err: { status?: number; body?: Json }) => err);
  step(7, `a wrong phone number at the counter is refused: ${(wrong as { status?: number }).status} ${(wrong as { body?: Json }).body?.error?.code}`);
  const collected = await call('POST', `${API}/v1/orders/${orderId}/collect`, clerk, { phone: '+84 912 345 678', ...cash });
  step(8, `the buyer collected it with their phone (+84 912 345 678, normalized)${collected.cashVnd ? `, paying ${collected.cashVnd} VND` : ''}: ${collected.collectedAt}`);
  process.stdout.write(`\nSee it in the dashboard: ${API}/dashboard (seller manager 0900000003 / demo-seller-2026)\n`);
}

main().catch((err: Error) => {
  process.stderr.write(`demo flow stopped: ${err.message}\nIs \`npm start\` running (API ${API}, sandbox ${SANDBOX})?\n`);
  process.exit(1);
});
