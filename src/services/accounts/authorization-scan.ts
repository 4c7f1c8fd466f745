import { and, eq, ne, sql } from 'drizzle-orm';
import { authorizations } from '../../../db/schema/counter.ts';
import type { Db } from '../../db.ts';
import { invalid, notFound } from '../../errors.ts';
import type { UploadedFile } from '../catalog/product-images.ts';
import { processImage, scanKey } from '../media/image-processing.ts';
import type { MediaStorage } from '../media/storage.ts';
import { authorize, type Principal } from './access.ts';
import { diff, recordAudit, type Actor } from './audit.ts';
import { getAuthorization } from './authorizations.ts';

export type ScanDeps = { db: Db; media: MediaStorage };

const load = async (db: Db, id: string) => (await db.select().from(authorizations).where(eq(authorizations.id, id)))[0] ?? null;

/**
 * Attaching the paper changes the authorization's record: the same rule as revoking it (an admin,
 * a clerk of the office, the seller's own manager; src/services/accounts/access.ts). Checked by the
 * route before the upload is read, so a stranger's 15 MB is never processed.
 */
export async function authorizeScanChange(db: Db, p: Principal, id: string): Promise<void> {
  authorize(p, 'authorization', 'update', await load(db, id));
}

/**
 * PUT /v1/authorizations/{id}/scan: the photo of the signed paper, checked and processed exactly as
 * a product photo (src/services/media/image-processing.ts: the bytes must be the JPEG, PNG or WebP
 * claimed; turned upright; EXIF and GPS dropped; 1280 px JPEG), stored under a private key. A new
 * scan replaces the previous one, whose file is removed once nothing else points at it.
 */
export async function putAuthorizationScan(deps: ScanDeps, p: Principal, actor: Actor, id: string, files: UploadedFile[], now = new Date()) {
  await authorizeScanChange(deps.db, p, id);
  const [file, extra] = files;
  if (!file) throw invalid('file', { vi: 'chưa chọn ảnh giấy ủy quyền', en: 'no photo of the paper was sent' });
  if (extra) throw invalid(extra.field, { vi: 'chỉ gửi một ảnh giấy ủy quyền', en: 'send one photo of the paper' });
  const img = await processImage(file.field, file.mimetype, file.data);
  // Stored before the row points at it; a failed transaction leaves an unreferenced file that the same photo reuses.
  await deps.media.put(scanKey(img.hash), img.large, 'image/jpeg');
  const replaced = await deps.db.transaction(async (tx) => {
    const [row] = await tx.select().from(authorizations).where(eq(authorizations.id, id)).for('update');
    if (!row) throw notFound('authorization');
    const [after] = await tx
      .update(authorizations)
      .set({ scanHash: img.hash, scanBytes: img.large.length, scanUploadedAt: now, scanUploadedBy: p.id })
      .where(eq(authorizations.id, id))
      .returning();
    await recordAudit(tx, actor, 'authorization.scan', { type: 'authorization', id }, diff(row, after!));
    return row.scanHash !== null && row.scanHash !== img.hash ? row.scanHash : null;
  });
  if (replaced) await dropUnreferenced(deps, replaced, id);
  return getAuthorization(deps.db, p, id, now);
}

/** GET /v1/authorizations/{id}/scan: the JPEG, for whoever may read the authorization; 404 when none was attached. */
export async function getAuthorizationScan(deps: ScanDeps, p: Principal, id: string): Promise<{ body: Buffer; hash: string }> {
  const row = await load(deps.db, id);
  authorize(p, 'authorization', 'read', row);
  const object = row!.scanHash ? await deps.media.get(scanKey(row!.scanHash)) : null;
  if (!object) throw notFound('authorization_scan');
  return { body: object.body, hash: row!.scanHash! };
}

/** The same paper photographed for two authorizations shares one file: removed only when the last one lets go. */
async function dropUnreferenced(deps: ScanDeps, hash: string, except: string): Promise<void> {
  const [row] = await deps.db.select({ n: sql<number>`count(*)::int` }).from(authorizations).where(and(eq(authorizations.scanHash, hash), ne(authorizations.id, except)));
  if ((row?.n ?? 0) === 0) await deps.media.delete(scanKey(hash));
}
