import { and, asc, eq, sql } from 'drizzle-orm';
import { productImages } from '../../../db/schema/product-images.ts';
import type { Db, Tx } from '../../db.ts';
import { AppError, invalid, notFound } from '../../errors.ts';
import { newId } from '../../lib/ids.ts';
import { toVnIso } from '../../lib/time.ts';
import { authorize, type Principal } from '../accounts/access.ts';
import type { Actor } from '../accounts/audit.ts';
import { largeKey, processImage, thumbKey, type ProcessedImage } from '../media/image-processing.ts';
import type { MediaStorage } from '../media/storage.ts';
import { applyProductPatch, loadProduct, type ProductRow } from './products.ts';

/** The product form's limit, and the product API's `images` maxItems (src/schemas/products.ts). */
export const MAX_IMAGES = 10;

export type MediaDeps = { db: Db; media: MediaStorage; publicUrl: string };
export type UploadedFile = { field: string; mimetype: string; data: Buffer };
type ImageRow = typeof productImages.$inferSelect;

export type ProductImageView = {
  id: string;
  url: string;
  thumbnailUrl: string;
  width: number;
  height: number;
  bytes: number;
  position: number;
  createdAt: string;
};

export const mediaUrl = (publicUrl: string, key: string) => `${publicUrl}/media/${key}`;

function viewOf(publicUrl: string, r: ImageRow): ProductImageView {
  return {
    id: r.id,
    url: mediaUrl(publicUrl, largeKey(r.hash)),
    thumbnailUrl: mediaUrl(publicUrl, thumbKey(r.hash)),
    width: r.width,
    height: r.height,
    bytes: r.bytes,
    position: r.position,
    createdAt: toVnIso(r.createdAt),
  };
}

async function rowsOf(db: Db | Tx, productId: string): Promise<ImageRow[]> {
  return db.select().from(productImages).where(eq(productImages.productId, productId)).orderBy(asc(productImages.position), asc(productImages.id));
}

/** Same rule as editing the product itself (src/services/accounts/access.ts). */
export async function authorizeImageChange(db: Db, p: Principal, productId: string): Promise<void> {
  authorize(p, 'product', 'update', await loadProduct(db, productId));
}

export async function listProductImages(deps: MediaDeps, p: Principal, productId: string): Promise<ProductImageView[]> {
  authorize(p, 'product', 'read', await loadProduct(deps.db, productId));
  return (await rowsOf(deps.db, productId)).map((r) => viewOf(deps.publicUrl, r));
}

/** URLs in `products.images` that are not uploads (set through the product API before uploads existed). */
function foreignUrls(publicUrl: string, current: ProductRow, rows: ImageRow[]): string[] {
  const ours = new Set(rows.map((r) => mediaUrl(publicUrl, largeKey(r.hash))));
  return current.images.filter((u) => !ours.has(u));
}

/**
 * `products.images` after a change of the uploaded set: the uploads in their order, then any URL
 * the product had from elsewhere (given through the API before uploads existed), so nothing a seller
 * set is silently dropped.
 */
function imageUrls(publicUrl: string, current: ProductRow, before: ImageRow[], after: ImageRow[]): string[] {
  const ours = new Set([...before, ...after].map((r) => mediaUrl(publicUrl, largeKey(r.hash))));
  return [...after.map((r) => mediaUrl(publicUrl, largeKey(r.hash))), ...current.images.filter((u) => !ours.has(u))];
}

/**
 * Runs `change` on the product's image rows under the product's row lock, then rewrites
 * `products.images` through the product's own patch path: audit entry, version bump, listing outbox.
 */
async function changeImages(
  deps: MediaDeps,
  actor: Actor,
  productId: string,
  action: string,
  change: (tx: Tx, current: ProductRow, rows: ImageRow[]) => Promise<void>,
): Promise<ProductImageView[]> {
  const rows = await deps.db.transaction(async (tx) => {
    const current = await loadProduct(tx, productId, true);
    if (!current) throw notFound('product');
    const before = await rowsOf(tx, productId);
    await change(tx, current, before);
    const after = await rowsOf(tx, productId);
    await applyProductPatch(tx, actor, current, { images: imageUrls(deps.publicUrl, current, before, after) }, action);
    return after;
  });
  return rows.map((r) => viewOf(deps.publicUrl, r));
}

/** Processes and stores the photos, then appends them to the product. All of them are added, or none. */
export async function addProductImages(deps: MediaDeps, p: Principal, actor: Actor, productId: string, files: UploadedFile[]): Promise<ProductImageView[]> {
  await authorizeImageChange(deps.db, p, productId);
  if (files.length === 0) throw invalid('file', { vi: 'chưa chọn ảnh nào', en: 'no photo was sent' });
  // Checked again under the lock below; this early look spares processing and storing photos that cannot fit.
  const current = (await loadProduct(deps.db, productId))!;
  const rows = await rowsOf(deps.db, productId);
  const have = rows.length + foreignUrls(deps.publicUrl, current, rows).length;
  if (have >= MAX_IMAGES) throw new AppError('TOO_MANY_IMAGES', { max: MAX_IMAGES, current: have }, files[0]!.field);
  const processed: ProcessedImage[] = [];
  for (const f of files) processed.push(await processImage(f.field, f.mimetype, f.data));
  // Stored before the rows that point at them; a failed transaction leaves only unreferenced
  // content-addressed files, which a later upload of the same photo reuses.
  for (const img of processed) {
    await deps.media.put(largeKey(img.hash), img.large, 'image/jpeg');
    await deps.media.put(thumbKey(img.hash), img.thumb, 'image/jpeg');
  }
  return changeImages(deps, actor, productId, 'product.images.add', async (tx, current, rows) => {
    const known = new Set(rows.map((r) => r.hash));
    const fresh = processed.filter((img, i) => !known.has(img.hash) && processed.findIndex((o) => o.hash === img.hash) === i);
    const have = rows.length + foreignUrls(deps.publicUrl, current, rows).length;
    if (have + fresh.length > MAX_IMAGES) throw new AppError('TOO_MANY_IMAGES', { max: MAX_IMAGES, current: have }, files[0]!.field);
    let position = rows.reduce((m, r) => Math.max(m, r.position), -1);
    // The same photo twice is kept once: it would only show twice on Postmart.
    for (const img of fresh) {
      await tx.insert(productImages).values({
        id: newId(),
        productId,
        hash: img.hash,
        position: ++position,
        width: img.width,
        height: img.height,
        bytes: img.large.length,
      });
    }
  });
}

export async function deleteProductImage(deps: MediaDeps, p: Principal, actor: Actor, productId: string, imageId: string): Promise<ProductImageView[]> {
  await authorizeImageChange(deps.db, p, productId);
  let removed: ImageRow | undefined;
  const views = await changeImages(deps, actor, productId, 'product.images.delete', async (tx, _current, rows) => {
    removed = rows.find((r) => r.id === imageId);
    if (!removed) throw notFound('image');
    await tx.delete(productImages).where(eq(productImages.id, imageId));
  });
  await dropUnreferenced(deps, removed!.hash);
  return views;
}

/**
 * Deletes the files once no product uses them. (An upload of the very same photo to another product
 * at this instant could lose its files; content hashes make that a re-upload away, and rare.) Postmart may still show the old listing until the
 * sync that follows this change, so a brief 404 there is the price of not keeping photos forever.
 */
async function dropUnreferenced(deps: MediaDeps, hash: string): Promise<void> {
  const [row] = await deps.db.select({ n: sql<number>`count(*)::int` }).from(productImages).where(eq(productImages.hash, hash));
  if ((row?.n ?? 0) > 0) return;
  await deps.media.delete(largeKey(hash));
  await deps.media.delete(thumbKey(hash));
}

/** `imageIds` must name every image of the product exactly once, in the new order. */
export async function reorderProductImages(deps: MediaDeps, p: Principal, actor: Actor, productId: string, imageIds: string[]): Promise<ProductImageView[]> {
  await authorizeImageChange(deps.db, p, productId);
  return changeImages(deps, actor, productId, 'product.images.reorder', async (tx, _current, rows) => {
    const have = new Set(rows.map((r) => r.id));
    const unique = new Set(imageIds);
    if (unique.size !== imageIds.length || unique.size !== have.size || imageIds.some((id) => !have.has(id))) {
      throw invalid('imageIds', {
        vi: `phải liệt kê đúng một lần mỗi ảnh của sản phẩm (${have.size} ảnh)`,
        en: `must list each of the product's ${have.size} images exactly once`,
      });
    }
    for (const [position, id] of imageIds.entries()) {
      await tx.update(productImages).set({ position }).where(and(eq(productImages.id, id), eq(productImages.productId, productId)));
    }
  });
}

