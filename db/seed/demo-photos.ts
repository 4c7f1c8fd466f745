import { createHash } from 'node:crypto';
import { inArray } from 'drizzle-orm';
import sharp from 'sharp';
import type { Db } from '../../src/db.ts';
import type { Principal } from '../../src/services/accounts/access.ts';
import { addProductImages } from '../../src/services/catalog/product-images.ts';
import { applyProductPatch, loadProduct } from '../../src/services/catalog/products.ts';
import type { MediaStorage } from '../../src/services/media/storage.ts';
import { products } from '../schema/products.ts';
import { DEMO_SELLERS } from './demo.ts';

const SYSTEM: Principal = { id: '00000000-0000-7000-8000-000000000000', role: 'admin', name: 'demo seed', sellerId: null, pickupPointId: null };
/** Placeholders an older demo seed wrote; Postmart's review cannot download them, so they are replaced. */
const OLD_PLACEHOLDER = 'https://example.org/dong-thap-demo/';

const COLORS: Record<string, [string, string]> = {
  fruit: ['#fff4d6', '#f2a93b'],
  vegetable: ['#e8f5e1', '#5a9e3a'],
  rice: ['#fbf7ea', '#d9c27a'],
  processed: ['#fdeede', '#c8742c'],
  flower: ['#fde8ef', '#d6457a'],
  herbal: ['#eef6ea', '#7a9b4b'],
  seafood: ['#e6f2fb', '#3d7fb8'],
  other: ['#f1f1f1', '#888888'],
};

/** A simple, recognisably different picture per product (no text: no system font is assumed). */
async function placeholderPhoto(sku: string, category: string): Promise<Buffer> {
  const [bg, fg] = COLORS[category] ?? COLORS.other!;
  const h = createHash('sha256').update(sku).digest();
  const circles = Array.from({ length: 5 }, (_, i) => {
    const cx = 160 + ((h[i]! * 3 + i * 150) % 640);
    const cy = 180 + ((h[i + 5]! * 2) % 360);
    const r = 60 + (h[i + 10]! % 70);
    return `<circle cx="${cx}" cy="${cy}" r="${r}" fill="${fg}" fill-opacity="${0.55 + (h[i + 15]! % 40) / 100}"/>`;
  }).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="960" height="720"><rect width="960" height="720" fill="${bg}"/>${circles}</svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toBuffer();
}

/**
 * Gives every demo product without a photo of its own a real one, stored like an upload (so the
 * listing carries a URL Postmart's review can download). Idempotent: a product with photos is left alone.
 */
export async function seedDemoPhotos(deps: { db: Db; media: MediaStorage; publicUrl: string }): Promise<number> {
  const rows = await deps.db
    .select()
    .from(products)
    .where(inArray(products.sellerId, DEMO_SELLERS.map((s) => s.id)));
  let added = 0;
  for (const p of rows) {
    const stale = p.images.filter((u) => u.startsWith(OLD_PLACEHOLDER));
    if (p.images.length > stale.length) continue;
    if (stale.length > 0) {
      await deps.db.transaction(async (tx) => {
        const current = (await loadProduct(tx, p.id, true))!;
        await applyProductPatch(tx, { userId: null }, current, { images: current.images.filter((u) => !u.startsWith(OLD_PLACEHOLDER)) }, 'product.images.demo');
      });
    }
    const data = await placeholderPhoto(p.sku, p.category);
    await addProductImages(deps, SYSTEM, { userId: null }, p.id, [{ field: 'file', mimetype: 'image/jpeg', data }]);
    added++;
  }
  return added;
}

