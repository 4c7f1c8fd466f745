import { stringify } from 'csv-stringify/sync';
import { and, desc, eq, sql } from 'drizzle-orm';
import { settlementStatements, type StatementLine } from '../../../db/schema/outlets.ts';
import { pickupPoints } from '../../../db/schema/pickup-points.ts';
import { sellers } from '../../../db/schema/sellers.ts';
import type { Db, DbOrTx } from '../../db.ts';
import { AppError, notFound } from '../../errors.ts';
import { newId } from '../../lib/ids.ts';
import { toVnIso } from '../../lib/time.ts';
import { authorize, authorizeAction, type Principal } from '../accounts/access.ts';
import { esc, page, vnd } from './printable.ts';

/**
 * Monthly settlement (issue 14): per seller and post office, the month's completed counter sales
 * (voided ones excluded), the office's commission at the rate each line was sold at, and what the
 * office owes the seller. An admin generates the statement (again, while it is a draft, as late
 * sales or voids come in); once the seller (or an admin) accepts it, a database trigger keeps it
 * exactly as accepted.
 */

export type StatementTotals = { units: number; salesVnd: number; commissionVnd: number; owedVnd: number; lines: StatementLine[] };

/** The first day of the month and of the next, as Vietnam calendar dates. */
export function monthRange(month: string): { from: string; until: string } {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  return { from: `${month}-01`, until: `${next}-01` };
}

/** A line per product and rate: a rate change mid-month shows as two lines, each at its own rate. */
export async function computeStatement(db: DbOrTx, sellerId: string, pickupPointId: string, month: string): Promise<StatementTotals> {
  const { from, until } = monthRange(month);
  const res = await db.execute<StatementLine>(sql`
    SELECT l.product_id AS "productId", p.sku, p.name, l.commission_bp AS "commissionBp",
           sum(l.qty)::int AS units, sum(l.amount_vnd)::bigint AS "salesVnd", sum(l.commission_vnd)::bigint AS "commissionVnd"
    FROM counter_sale_lines l
    JOIN counter_sales s ON s.id = l.sale_id
    JOIN products p ON p.id = l.product_id
    WHERE s.state = 'completed' AND l.seller_id = ${sellerId} AND s.pickup_point_id = ${pickupPointId}
      AND s.vn_day >= ${from}::date AND s.vn_day < ${until}::date
    GROUP BY l.product_id, p.sku, p.name, l.commission_bp
    ORDER BY p.name, p.sku, l.commission_bp DESC`);
  const lines = res.rows.map((r) => ({ ...r, units: Number(r.units), salesVnd: Number(r.salesVnd), commissionVnd: Number(r.commissionVnd), commissionBp: Number(r.commissionBp) }));
  const salesVnd = lines.reduce((s, l) => s + l.salesVnd, 0);
  const commissionVnd = lines.reduce((s, l) => s + l.commissionVnd, 0);
  return { units: lines.reduce((s, l) => s + l.units, 0), salesVnd, commissionVnd, owedVnd: salesVnd - commissionVnd, lines };
}

export type StatementView = Omit<typeof settlementStatements.$inferSelect, 'generatedAt' | 'acceptedAt'> & {
  sellerName: string; pointName: string; generatedAt: string; acceptedAt: string | null;
};

async function load(db: DbOrTx, where: ReturnType<typeof eq>): Promise<StatementView[]> {
  const rows = await db
    .select({ s: settlementStatements, sellerName: sellers.name, pointName: pickupPoints.name })
    .from(settlementStatements)
    .innerJoin(sellers, eq(sellers.id, settlementStatements.sellerId))
    .innerJoin(pickupPoints, eq(pickupPoints.id, settlementStatements.pickupPointId))
    .where(where)
    .orderBy(desc(settlementStatements.month), sellers.name);
  return rows.map(({ s, sellerName, pointName }) => ({ ...s, sellerName, pointName, generatedAt: toVnIso(s.generatedAt), acceptedAt: s.acceptedAt ? toVnIso(s.acceptedAt) : null }));
}

export async function getStatement(db: Db, p: Principal, id: string): Promise<StatementView> {
  const [s] = await load(db, eq(settlementStatements.id, id));
  authorize(p, 'settlement', 'read', s ?? null);
  return s!;
}

export async function listStatements(db: Db, p: Principal, q: { month?: string | undefined }): Promise<StatementView[]> {
  authorizeAction(p, 'settlement', 'list');
  const scope =
    p.role === 'seller_manager' ? eq(settlementStatements.sellerId, p.sellerId ?? '') : p.role === 'post_office_clerk' ? eq(settlementStatements.pickupPointId, p.pickupPointId ?? '') : undefined;
  return load(db, and(scope, q.month ? eq(settlementStatements.month, q.month) : undefined) ?? sql`true`);
}

/** Computes the month's statement, or recomputes a draft; an accepted one answers STATEMENT_ACCEPTED. */
export async function generateStatement(db: Db, p: Principal, input: { sellerId: string; pickupPointId: string; month: string }): Promise<StatementView> {
  authorizeAction(p, 'settlement', 'create');
  const [seller] = await db.select({ id: sellers.id }).from(sellers).where(eq(sellers.id, input.sellerId));
  if (!seller) throw notFound('seller');
  const [point] = await db.select({ id: pickupPoints.id }).from(pickupPoints).where(eq(pickupPoints.id, input.pickupPointId));
  if (!point) throw notFound('pickup_point');
  const id = await db.transaction(async (tx) => {
    const key = and(eq(settlementStatements.sellerId, input.sellerId), eq(settlementStatements.pickupPointId, input.pickupPointId), eq(settlementStatements.month, input.month));
    const [existing] = await tx.select({ id: settlementStatements.id, state: settlementStatements.state }).from(settlementStatements).where(key).for('update');
    if (existing?.state === 'accepted') throw new AppError('STATEMENT_ACCEPTED', { month: input.month });
    const totals = await computeStatement(tx, input.sellerId, input.pickupPointId, input.month);
    if (existing) {
      await tx.update(settlementStatements).set({ ...totals, generatedAt: new Date() }).where(eq(settlementStatements.id, existing.id));
      return existing.id;
    }
    const [row] = await tx.insert(settlementStatements).values({ id: newId(), ...input, ...totals }).onConflictDoNothing().returning({ id: settlementStatements.id });
    // Two admins generating at once: the other one's draft stands.
    if (!row) throw new AppError('CONFLICT', { detail: { vi: 'bảng kê vừa được tạo, hãy tải lại', en: 'the statement was just created; reload it' } }, 'month');
    return row.id;
  });
  const [s] = await load(db, eq(settlementStatements.id, id));
  return s!;
}

/** The seller (or an admin) accepts the statement; from then on it never changes. */
export async function acceptStatement(db: Db, p: Principal, id: string): Promise<StatementView> {
  await db.transaction(async (tx) => {
    const [s] = await tx.select().from(settlementStatements).where(eq(settlementStatements.id, id)).for('update');
    authorize(p, 'settlement', 'operate', s ?? null);
    if (s!.state === 'accepted') throw new AppError('STATEMENT_ACCEPTED', { month: s!.month });
    await tx.update(settlementStatements).set({ state: 'accepted', acceptedAt: new Date(), acceptedBy: p.id }).where(eq(settlementStatements.id, id));
  });
  const [s] = await load(db, eq(settlementStatements.id, id));
  return s!;
}

/** A rate in basis points as Vietnamese read it: 1000 → 10%, 850 → 8.5%. */
export const percentOf = (bp: number) => `${(bp / 100).toFixed(2).replace(/\.?0+$/, '')}%`;

/** CSV as the reports write it: UTF-8 with BOM, CRLF, Vietnamese headers, integer VND. */
export function statementCsv(s: StatementView): string {
  return stringify(
    [
      ['Tháng', 'Người bán', 'Bưu cục', 'Mã SP', 'Sản phẩm', 'Số lượng', 'Doanh thu (VND)', 'Hoa hồng (%)', 'Hoa hồng (VND)', 'Trả người bán (VND)'],
      ...s.lines.map((l) => [s.month, s.sellerName, s.pointName, l.sku, l.name, l.units, l.salesVnd, percentOf(l.commissionBp), l.commissionVnd, l.salesVnd - l.commissionVnd]),
      [s.month, s.sellerName, s.pointName, 'TONG', 'Tổng cộng', s.units, s.salesVnd, '', s.commissionVnd, s.owedVnd],
    ],
    { bom: true, record_delimiter: 'windows' },
  );
}

export function statementHtml(s: StatementView): string {
  const rows = s.lines
    .map((l) => `<tr><td>${esc(l.sku)}</td><td>${esc(l.name)}</td><td class="n">${l.units}</td><td class="n">${vnd(l.salesVnd)}</td><td class="n">${percentOf(l.commissionBp)}</td><td class="n">${vnd(l.commissionVnd)}</td><td class="n">${vnd(l.salesVnd - l.commissionVnd)}</td></tr>`)
    .join('\n');
  return page(
    `Bảng kê ${s.month} ${s.sellerName}`,
    `<h1>Bảng kê đối soát hàng ký gửi tháng ${esc(s.month)}</h1>
<p>Người bán: <b>${esc(s.sellerName)}</b><br>Bưu cục: <b>${esc(s.pointName)}</b><br>
Trạng thái: ${s.state === 'accepted' ? `đã chấp nhận lúc ${esc(s.acceptedAt)}` : 'bản nháp'}</p>
<table><thead><tr><th>Mã SP</th><th>Sản phẩm</th><th class="n">SL</th><th class="n">Doanh thu</th><th class="n">Hoa hồng</th><th class="n">Tiền hoa hồng</th><th class="n">Trả người bán</th></tr></thead>
<tbody>${rows}</tbody>
<tfoot><tr><td colspan="2">Tổng cộng</td><td class="n">${s.units}</td><td class="n">${vnd(s.salesVnd)}</td><td></td><td class="n">${vnd(s.commissionVnd)}</td><td class="n">${vnd(s.owedVnd)}</td></tr></tfoot></table>`,
    '210mm',
  );
}
