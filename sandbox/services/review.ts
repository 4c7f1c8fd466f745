import { and, eq, sql } from 'drizzle-orm';
import { products } from '../db/schema.ts';
import { nowSeconds, type SandboxDeps } from '../context.ts';
import type { SandboxTx } from '../db.ts';
import { invalidTransition, notFound } from '../errors.ts';
import { enqueueEvent } from '../webhooks/events.ts';
import { firstImageProblem } from './image-check.ts';
import { withSkus } from './products.ts';

type Deps = Pick<SandboxDeps, 'db' | 'config' | 'settings' | 'random' | 'wakeWebhooks'>;
type ProductRow = typeof products.$inferSelect;

export const REVIEW_RESULTS = ['APPROVE', 'REJECT', 'BAN'] as const;
export type ReviewResult = (typeof REVIEW_RESULTS)[number];

/**
 * Records a review decision and its `product.review_result` webhook (postmart-api.md#products:
 * PENDING_REVIEW → ACTIVE or REJECTED with reject_reason). Postmart's decisions do not bump the
 * seller's `version` (it counts the seller's edits, so a review never turns a seller's If-Match stale);
 * update_time moves.
 */
async function decide(tx: SandboxTx, deps: Deps, p: ProductRow, result: ReviewResult, reason: string | null): Promise<ProductRow> {
  const status = result === 'APPROVE' ? 'ACTIVE' : result === 'REJECT' ? 'REJECTED' : 'BANNED';
  const rejectReason = result === 'APPROVE' ? null : (reason ?? (result === 'REJECT' ? 'Hình ảnh hoặc mô tả chưa đạt yêu cầu' : 'Vi phạm chính sách sàn'));
  const updateTime = nowSeconds();
  const [updated] = await tx
    .update(products)
    .set({ status, rejectReason, updateTime, reviewDueAt: null })
    .where(eq(products.id, p.id))
    .returning();
  await enqueueEvent(tx, deps, {
    shopId: p.shopId,
    type: 'product.review_result',
    data: { product_id: p.id, status, ...(rejectReason ? { reject_reason: rejectReason } : {}), update_time: updateTime },
  });
  return updated!;
}

/**
 * The automatic reviewer: decides products whose review_delay_ms has passed. It downloads each
 * photo first (sandbox/services/image-check.ts) and refuses a product whose photo is unreachable or
 * not an image, with the reason; otherwise it approves. The downloads happen outside the
 * transaction; a product edited meanwhile (other photos, a new update_time) waits for its next round.
 * Returns true if it may have more.
 */
export async function approveDueProducts(deps: Deps, limit = 50): Promise<boolean> {
  const due = await deps.db
    .select()
    .from(products)
    .where(sql`${products.status} = 'PENDING_REVIEW' AND ${products.reviewDueAt} <= ${new Date().toISOString()}`)
    .orderBy(products.reviewDueAt)
    .limit(limit);
  const cache = new Map<string, Promise<string | null>>();
  const verdicts = await Promise.all(due.map(async (p) => ({ p, problem: await firstImageProblem(p.images, cache) })));
  const n = await deps.db.transaction(async (tx) => {
    let decided = 0;
    for (const { p, problem } of verdicts) {
      const [current] = await tx
        .select()
        .from(products)
        .where(and(eq(products.id, p.id), eq(products.status, 'PENDING_REVIEW'), eq(products.updateTime, p.updateTime)))
        .for('update', { skipLocked: true });
      if (!current) continue;
      await decide(tx, deps, current, problem ? 'REJECT' : 'APPROVE', problem);
      decided++;
    }
    return decided;
  });
  if (n > 0) deps.wakeWebhooks();
  return due.length === limit;
}

/** When the next automatic review is due, so the reviewer can sleep until then. */
export async function nextReviewDue(deps: Pick<Deps, 'db'>): Promise<number | null> {
  const [row] = await deps.db.select({ at: sql<string | null>`min(${products.reviewDueAt})` }).from(products).where(eq(products.status, 'PENDING_REVIEW'));
  return row?.at ? new Date(row.at).getTime() : null;
}

/**
 * POST /sandbox/products/{product_id}/review {result, reason?}: APPROVE or REJECT a product in
 * review (postmart-api.md#the-sandbox). BAN (sandbox extension) bans any product not DELETED.
 */
export async function reviewProduct(deps: Deps, productId: string, result: ReviewResult, reason: string | null) {
  const product = await deps.db.transaction(async (tx) => {
    const [p] = await tx.select().from(products).where(eq(products.id, productId)).for('update');
    if (!p) throw notFound('product', productId);
    if (result === 'BAN' ? p.status === 'DELETED' || p.status === 'BANNED' : p.status !== 'PENDING_REVIEW') {
      throw invalidTransition('product', p.status, result === 'BAN' ? 'be banned' : 'be reviewed');
    }
    const updated = await decide(tx, deps, p, result, reason);
    const [full] = await withSkus(tx, [updated]);
    return full!;
  });
  deps.wakeWebhooks();
  return product;
}
