import type { FastifyInstance } from 'fastify';
import { setupWebApp } from '../../plugins/web/web-app.ts';
import { APP_NAME, BASE, FLASH, NAV } from '../../web/seller/shell.ts';
import authPages from './auth.ts';
import farmPickupPages from './farm-pickups.ts';
import homePages from './home.ts';
import orderPages from './orders.ts';
import productPages from './products.ts';

/**
 * The sellers' app at /app: server-rendered pages (typed templates in src/web/) over the API,
 * which the pages call in-process with the session's token. Encapsulated: its cookie, CSRF, form
 * parsing, compression and error pages stay inside /app and never touch the JSON API.
 */
export default async function sellerApp(app: FastifyInstance): Promise<void> {
  const postmartOrigin = new URL(app.config.postmartBaseUrl).origin;
  const ctx = await setupWebApp(app, {
    base: BASE,
    name: APP_NAME,
    shortName: 'Nông sản ĐT',
    description: 'bán nông sản Đồng Tháp trên Postmart',
    cookieName: 'dtpc_app',
    roles: ['seller_manager'],
    nav: NAV,
    flash: FLASH,
    formTargets: [postmartOrigin],
  });
  await app.register(authPages, { ctx });
  await app.register(homePages, { ctx });
  await app.register(productPages, { ctx });
  await app.register(orderPages, { ctx });
  await app.register(farmPickupPages, { ctx });
}
