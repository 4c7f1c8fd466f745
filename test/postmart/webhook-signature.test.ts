import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWebhook } from '../../src/postmart/client/signing.ts';
import type { RunningSandbox } from '../../sandbox/server.ts';
import { connectShop, control, productPayload, startAppAndSandbox } from '../support/postmart.ts';

let app: FastifyInstance;
let sandbox: RunningSandbox;
let close: () => Promise<void>;

beforeAll(async () => ({ app, sandbox, close } = await startAppAndSandbox()));
afterAll(() => close?.());

describe('webhook signatures', () => {
  it('computes the same X-PM-Signature as the sandbox puts on a delivered webhook', async () => {
    const received: { headers: IncomingMessage['headers']; body: string }[] = [];
    let arrived!: () => void;
    const first = new Promise<void>((resolve) => (arrived = resolve));
    const receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c)).on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(204).end();
        arrived();
      });
    });
    receiver.listen(0, '127.0.0.1');
    await once(receiver, 'listening');
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/v1/webhooks/postmart`;

    const shop = await connectShop(app, sandbox);
    await control(sandbox, 'PUT', `/partners/${shop.partnerId}/webhook`, { url });
    const { product_id } = await shop.client.createProduct(shop.shopId, productPayload('WH-1'), 'create:wh');
    await control(sandbox, 'POST', `/products/${product_id}/review`, { result: 'APPROVE' });
    await first;

    const { headers, body } = received[0]!;
    expect(headers['x-pm-event-type']).toBe('product.review_result');
    const expected = signWebhook(shop.partnerKey, url, String(headers['x-pm-timestamp']), body);
    expect(headers['x-pm-signature']).toBe(expected);
    expect(signWebhook(shop.partnerKey, url, String(headers['x-pm-timestamp']), `${body} `)).not.toBe(expected);
    await shop.close();
    receiver.close();
  });
});
