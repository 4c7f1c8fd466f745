import { and, desc, eq, inArray, lt } from 'drizzle-orm';
import { sellers, type SELLER_KINDS } from '../../../db/schema/sellers.ts';
import type { Db } from '../../db.ts';
import { AppError, notFound } from '../../errors.ts';
import { pageOf } from '../../lib/cursor.ts';
import { newId } from '../../lib/ids.ts';
import { cursorId } from '../../lib/paging.ts';
import { authorize, authorizeAction, sellersInScope, type Principal } from './access.ts';
import { diff, recordAudit, type Actor } from './audit.ts';
import { requireCommune } from '../reference/communes.ts';
import { requirePhone } from './users.ts';
import { displayPhone } from '../../lib/phone.ts';
import { isUniqueViolation } from '../../lib/pg-errors.ts';
import { recordSellerListingChange } from '../outbox/listing-outbox.ts';

export type Seller = typeof sellers.$inferSelect;
export type SellerInput = {
  kind: (typeof SELLER_KINDS)[number];
  name: string;
  taxCode?: string | null;
  phone: string;
  wardCode: string;
  address: string;
};

const taxCodeTaken = () =>
  new AppError('CONFLICT', { detail: { vi: 'mã số thuế đã được dùng cho người bán khác', en: 'tax code already used by another seller' } }, 'taxCode');

/** A seller as the API shows it: the phone in its national form (stored E.164, src/lib/phone.ts). */
export function toPublicSeller(row: Seller): Seller {
  return { ...row, phone: displayPhone(row.phone) };
}

export async function getSeller(db: Db, p: Principal, id: string): Promise<Seller> {
  const [row] = await db.select().from(sellers).where(eq(sellers.id, id));
  authorize(p, 'seller', 'read', row ?? null);
  return row!;
}

export async function listSellers(db: Db, p: Principal, opts: { limit: number; cursor?: string | undefined }): Promise<{ page: Seller[]; nextCursor: string | null }> {
  authorizeAction(p, 'seller', 'list');
  const scope = sellersInScope(p, 'seller');
  const rows = await db
    .select()
    .from(sellers)
    .where(and(scope ? inArray(sellers.id, scope) : undefined, opts.cursor ? lt(sellers.id, cursorId(opts.cursor)) : undefined))
    .orderBy(desc(sellers.id))
    .limit(opts.limit + 1);
  return pageOf(rows, opts.limit);
}

export async function createSeller(db: Db, p: Principal, actor: Actor, input: SellerInput): Promise<Seller> {
  authorizeAction(p, 'seller', 'create');
  const phone = requirePhone(input.phone);
  await requireCommune(db, input.wardCode, 'wardCode');
  try {
    return await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(sellers)
        .values({ id: newId(), ...input, name: input.name.trim(), address: input.address.trim(), phone, taxCode: input.taxCode ?? null })
        .returning();
      await recordAudit(tx, actor, 'seller.create', { type: 'seller', id: row!.id }, diff(null, row!));
      return row!;
    });
  } catch (err) {
    if (isUniqueViolation(err, 'sellers_tax_code_unique')) throw taxCodeTaken();
    throw err;
  }
}

export async function updateSeller(db: Db, p: Principal, actor: Actor, id: string, patch: Partial<SellerInput> & { postmartIncludesConsigned?: boolean | undefined }): Promise<Seller> {
  const [current] = await db.select().from(sellers).where(eq(sellers.id, id));
  authorize(p, 'seller', 'update', current ?? null);
  const values: Partial<SellerInput> & { postmartIncludesConsigned?: boolean | undefined; updatedAt: Date } = { ...patch, updatedAt: new Date() };
  if (patch.phone !== undefined) values.phone = requirePhone(patch.phone);
  if (patch.wardCode !== undefined) await requireCommune(db, patch.wardCode, 'wardCode');
  if (patch.name !== undefined) values.name = patch.name.trim();
  if (patch.address !== undefined) values.address = patch.address.trim();
  try {
    return await db.transaction(async (tx) => {
      const [row] = await tx.update(sellers).set(values).where(eq(sellers.id, id)).returning();
      if (!row) throw notFound('seller');
      await recordAudit(tx, actor, 'seller.update', { type: 'seller', id }, diff(current!, row));
      // Postmart's stock of every product changes with this choice (stock/postmart-stock.ts): resync them.
      if (row.postmartIncludesConsigned !== current!.postmartIncludesConsigned) await recordSellerListingChange(tx, id, 'postmart-includes-consigned');
      return row;
    });
  } catch (err) {
    if (isUniqueViolation(err, 'sellers_tax_code_unique')) throw taxCodeTaken();
    throw err;
  }
}
