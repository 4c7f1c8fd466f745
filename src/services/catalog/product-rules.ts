import type { Certification } from '../../../db/schema/products.ts';
import type { Db } from '../../db.ts';
import { invalid } from '../../errors.ts';
import { isCalendarDate, vnToday } from '../../lib/time.ts';
import { requireCommune } from '../reference/communes.ts';

type Checked = {
  originWardCode?: string | undefined;
  harvestFrom?: string | null | undefined;
  harvestTo?: string | null | undefined;
  certifications?: Certification[] | undefined;
};

function requireDate(value: string | null | undefined, field: string): void {
  if (value && !isCalendarDate(value)) {
    throw invalid(field, { vi: 'không phải ngày có thật (YYYY-MM-DD)', en: 'is not a real calendar date (YYYY-MM-DD)' });
  }
}

/**
 * Rules a product must satisfy beyond its schema. `merged` is the product as it will be after the
 * change, so a patch of harvestTo alone is checked against the stored harvestFrom; `changed` limits
 * the checks to fields the client sent (a stored certificate that expired since entry is a listing
 * matter, not a reason to refuse an unrelated edit).
 */
export async function checkProductRules(db: Db, merged: Checked, changed: Checked, now = new Date()): Promise<void> {
  if (changed.originWardCode !== undefined) await requireCommune(db, changed.originWardCode, 'originWardCode');
  requireDate(changed.harvestFrom, 'harvestFrom');
  requireDate(changed.harvestTo, 'harvestTo');
  if (merged.harvestFrom && merged.harvestTo && merged.harvestFrom > merged.harvestTo) {
    throw invalid(changed.harvestTo !== undefined ? 'harvestTo' : 'harvestFrom', {
      vi: 'ngày kết thúc thu hoạch phải sau hoặc bằng ngày bắt đầu',
      en: 'the harvest window must end on or after its start',
    });
  }
  const today = vnToday(now);
  (changed.certifications ?? []).forEach((c, i) => {
    requireDate(c.issuedAt, `certifications[${i}].issuedAt`);
    requireDate(c.expiresAt, `certifications[${i}].expiresAt`);
    if (c.issuedAt > c.expiresAt) {
      throw invalid(`certifications[${i}].expiresAt`, { vi: 'ngày hết hạn phải sau ngày cấp', en: 'must be after issuedAt' });
    }
    if (c.issuedAt > today) {
      throw invalid(`certifications[${i}].issuedAt`, { vi: 'ngày cấp không thể ở tương lai', en: 'cannot be in the future' });
    }
    if (c.expiresAt < today) {
      throw invalid(`certifications[${i}].expiresAt`, {
        vi: `chứng nhận ${c.type} số ${c.number} đã hết hạn ngày ${c.expiresAt}`,
        en: `certificate ${c.type} no. ${c.number} expired on ${c.expiresAt}`,
      });
    }
  });
  const types = (changed.certifications ?? []).map((c) => c.type);
  const ocop = types.filter((t) => t.startsWith('OCOP_'));
  if (ocop.length > 1) {
    throw invalid('certifications', { vi: 'một sản phẩm chỉ có một hạng sao OCOP', en: 'a product has at most one OCOP star rating' });
  }
  const dup = types.find((t, i) => types.indexOf(t) !== i);
  if (dup) throw invalid('certifications', { vi: `chứng nhận ${dup} bị lặp`, en: `certificate ${dup} is listed twice` });
}
