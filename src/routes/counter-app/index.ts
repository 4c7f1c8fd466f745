import { createRequire } from 'node:module';
import type { FastifyInstance } from 'fastify';
import { setupWebApp } from '../../plugins/web/web-app.ts';
import { APP_NAME, BASE, FLASH, NAV } from '../../web/counter/shell.ts';
import authPages from './auth.ts';
import cashPages from './cash.ts';
import consignmentPages from './consignments.ts';
import dayPages from './day.ts';
import farmerProductPages from './farmer-products.ts';
import farmerShopPages from './farmer-shop.ts';
import farmerPages from './farmers.ts';
import parcelPages from './parcels.ts';
import salePages from './sales.ts';

// ZXing's browser build, served by us (no CDN): the scanner's decoder where the browser has no BarcodeDetector.
const zxingJs = createRequire(import.meta.url).resolve('@zxing/library/umd/index.min.js');

/**
 * The post-office counter at /counter (issue 13), for a phone or a counter tablet: the day at the
 * clerk's office, scanning or typing a package number, receiving a drop-off by weight, handing a
 * parcel to its buyer after the phone check, returns, the day's cash sheet, and the guided
 * registration of a household farmer with their authorization and first products. The same kit as the
 * sellers' app (src/plugins/web/web-app.ts) under its own path, cookie and roles.
 */
export default async function counterApp(app: FastifyInstance): Promise<void> {
  // Connecting a farmer's shop posts to the counter, which redirects to Postmart's approval page (form-action follows redirects).
  const postmartOrigin = new URL(app.config.postmartBaseUrl).origin;
  const ctx = await setupWebApp(app, {
    base: BASE,
    name: APP_NAME,
    shortName: 'Quầy bưu điện',
    description: 'nhận, giao và hoàn trả bưu gửi tại bưu điện',
    cookieName: 'dtpc_counter',
    roles: ['post_office_clerk', 'admin'],
    nav: NAV,
    flash: FLASH,
    formTargets: [postmartOrigin],
    extraAssets: [
      { name: 'counter-scan.js', path: new URL('../../web/static/counter-scan.js', import.meta.url) },
      { name: 'zxing.min.js', path: zxingJs },
    ],
  });
  await app.register(authPages, { ctx });
  await app.register(dayPages, { ctx });
  await app.register(parcelPages, { ctx });
  await app.register(cashPages, { ctx });
  await app.register(consignmentPages, { ctx });
  await app.register(salePages, { ctx });
  await app.register(farmerPages, { ctx });
  await app.register(farmerProductPages, { ctx });
  await app.register(farmerShopPages, { ctx });
}
