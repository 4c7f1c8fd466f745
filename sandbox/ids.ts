import { randomBytes, randomInt } from 'node:crypto';

/** Opaque string ids; the prefix says what they name, which helps when reading logs and test failures. */
export const newPartnerId = () => `ptn_${randomBytes(8).toString('hex')}`;
export const newShopId = () => `shop_${randomBytes(8).toString('hex')}`;
export const newProductId = () => `prd_${randomBytes(10).toString('hex')}`;
export const newEventId = () => `evt_${randomBytes(12).toString('hex')}`;
export const newPartnerKey = () => randomBytes(32).toString('hex');
/** Secrets handed to clients; only their SHA-256 is stored. */
export const newSecret = (prefix: 'pmc' | 'pma' | 'pmr') => `${prefix}_${randomBytes(32).toString('base64url')}`;

const ALNUM = '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ';

/** Shopee-style order_sn: YYMMDD in Vietnam time + 8 upper-case letters/digits, e.g. 250715K3J9QX2A. */
export function newOrderSn(now = Date.now()): string {
  const vn = new Date(now + 7 * 3600_000).toISOString();
  let tail = '';
  for (let i = 0; i < 8; i++) tail += ALNUM[randomInt(ALNUM.length)];
  return `${vn.slice(2, 4)}${vn.slice(5, 7)}${vn.slice(8, 10)}${tail}`;
}

/**
 * A domestic VNPost item number in UPU S10 form: two letters, eight digits, a check digit, "VN"
 * (e.g. EB123456785VN). The check digit uses the S10 weights 8 6 4 2 3 5 9 7.
 */
export function newTrackingNumber(): string {
  const digits = Array.from({ length: 8 }, () => randomInt(10));
  const weights = [8, 6, 4, 2, 3, 5, 9, 7];
  const sum = digits.reduce((acc, d, i) => acc + d * weights[i]!, 0);
  const c = 11 - (sum % 11);
  const check = c === 10 ? 0 : c === 11 ? 5 : c;
  return `EB${digits.join('')}${check}VN`;
}

/** Postmart's package number for an order's shipment. */
export const newPackageNumber = (orderSn: string) => `PKG${orderSn}${randomInt(10, 99)}`;
