import { isDeepStrictEqual } from 'node:util';
import type { Certification } from '../../../db/schema/products.ts';
import type { ProductRow } from '../catalog/products.ts';
import type { ListingStatus } from '../../../db/schema/listings.ts';
import type { ProductPayload } from '../../postmart/client/contract.ts';

/** Đồng Tháp's province code after the 2025 reform (db/seed/README.md). */
export const PROVINCE_CODE = '82';

export type SellableInput = Pick<ProductRow, 'status' | 'harvestTo' | 'certifications' | 'images'> & { shopConnected: boolean };
export type NotSellableReason = 'not_active' | 'harvest_closed' | 'certificate_expired' | 'shop_disconnected' | 'no_images';

/** Certificates valid on `today` (YYYY-MM-DD, Vietnam time); an expired one is never advertised. */
export function validCertificates(certs: Certification[], today: string): Certification[] {
  return certs.filter((c) => c.expiresAt >= today);
}

/**
 * Why a product may not be on Postmart today, or [] when it may. Each reason lifts by itself
 * when its cause clears (a new harvest window, a renewed or removed certificate, a reconnected
 * shop), and the product is relisted.
 */
export function notSellableReasons(p: SellableInput, today: string): NotSellableReason[] {
  const reasons: NotSellableReason[] = [];
  if (p.status !== 'active') reasons.push('not_active');
  if (p.harvestTo !== null && p.harvestTo < today) reasons.push('harvest_closed');
  if (validCertificates(p.certifications, today).length < p.certifications.length) reasons.push('certificate_expired');
  if (!p.shopConnected) reasons.push('shop_disconnected');
  // postmart-api.md#products: a listing needs at least one image.
  if (p.images.length === 0) reasons.push('no_images');
  return reasons;
}

/** End of the certificate's last valid day in Vietnam (UTC+7), as unix seconds. */
function expiresAtUnix(date: string): number {
  return Math.floor(Date.parse(`${date}T23:59:59+07:00`) / 1000);
}

/** The product in contract form (postmart-api.md#products), advertising only certificates still valid. */
export function toPostmartPayload(p: ProductRow, today: string): ProductPayload {
  return {
    name: p.name,
    description: p.description,
    category_id: p.category,
    images: p.images,
    unit: p.unit,
    weight_grams: p.weightGrams,
    origin: { province_code: PROVINCE_CODE, ward_code: p.originWardCode },
    certifications: validCertificates(p.certifications, today).map((c) => ({ type: c.type, number: c.number, expires_at: expiresAtUnix(c.expiresAt) })),
    shelf_life_days: p.shelfLifeDays,
    skus: [{ seller_sku: p.sku, variant_name: p.unit, price: p.priceVnd, stock: p.stock }],
  };
}

export type PayloadDiff = {
  /** Fields other than price and stock that differ: sent with PATCH. */
  fields: Partial<ProductPayload>;
  priceChanged: boolean;
  stockChanged: boolean;
};

/**
 * What changed since the last payload Postmart accepted. Price and stock travel through the batch
 * endpoints; a change of SKU rewrites the SKU list through PATCH (with the current price and stock).
 */
export function diffPayload(prev: ProductPayload, next: ProductPayload): PayloadDiff {
  const fields: Partial<ProductPayload> = {};
  for (const key of Object.keys(next) as (keyof ProductPayload)[]) {
    if (key === 'skus') continue;
    // Deep equality, not JSON text: jsonb stores object keys in its own order.
    if (!isDeepStrictEqual(prev[key] ?? null, next[key] ?? null)) (fields as Record<string, unknown>)[key] = next[key];
  }
  const [a] = prev.skus;
  const [b] = next.skus;
  if (a?.seller_sku !== b?.seller_sku || a?.variant_name !== b?.variant_name) {
    fields.skus = next.skus;
    return { fields, priceChanged: false, stockChanged: false };
  }
  return { fields, priceChanged: a?.price !== b?.price, stockChanged: a?.stock !== b?.stock };
}

/** Maps Postmart's product status to our listing status (postmart-api.md#products). */
export function listingStatusOf(remote: string): ListingStatus {
  switch (remote) {
    case 'ACTIVE':
      return 'listed';
    case 'PENDING_REVIEW':
      return 'pending';
    case 'REJECTED':
    case 'BANNED':
      return 'rejected';
    case 'UNLISTED':
      return 'unlisted';
    default:
      return 'not_listed';
  }
}
