import { num } from '../format.ts';
import type { ShelfProduct } from './outlet-types.ts';

/**
 * The counter's basket, read from what the clerk typed against the shelf: a quantity per product
 * (form fields `q_<productId>`), whole numbers only, never more than the office holds. A line the
 * shelf cannot serve gets its reason next to it instead of a round trip to the API.
 */
export type BasketLine = { product: ShelfProduct; qty: number; amountVnd: number };
export type Basket = { lines: BasketLine[]; totalVnd: number; typed: Record<string, string>; errors: Record<string, string> };

export const qtyField = (productId: string) => `q_${productId}`;

export const shortMessage = (p: Pick<ShelfProduct, 'stock' | 'unit'>, qty: number) =>
  `Bưu cục này chỉ còn ${num(p.stock)} ${p.unit}, không đủ ${num(qty)}.`;

export function readBasket(products: readonly ShelfProduct[], fields: Record<string, unknown>): Basket {
  const lines: BasketLine[] = [];
  const typed: Record<string, string> = {};
  const errors: Record<string, string> = {};
  for (const p of products) {
    const raw = fields[qtyField(p.productId)];
    const text = typeof raw === 'string' ? raw.trim() : '';
    if (text === '' || text === '0') continue;
    typed[p.productId] = text;
    if (!/^\d{1,6}$/.test(text)) {
      errors[p.productId] = 'Số lượng là số nguyên, ví dụ 2.';
      continue;
    }
    const qty = Number(text);
    if (qty > p.stock) {
      errors[p.productId] = shortMessage(p, qty);
      continue;
    }
    lines.push({ product: p, qty, amountVnd: qty * p.priceVnd });
  }
  return { lines, totalVnd: lines.reduce((s, l) => s + l.amountVnd, 0), typed, errors };
}

/** The basket as one hidden field ("id:qty,id:qty"): a form post keeps only the last of repeated names. */
export const encodeBasket = (lines: readonly { product: { productId: string }; qty: number }[]) => lines.map((l) => `${l.product.productId}:${l.qty}`).join(',');

export function decodeBasket(text: string | undefined): { productId: string; qty: number }[] | null {
  if (!text || !/^([0-9a-f-]{36}:\d{1,6})(,[0-9a-f-]{36}:\d{1,6})*$/i.test(text)) return null;
  return text.split(',').map((pair) => {
    const [productId, qty] = pair.split(':');
    return { productId: productId!, qty: Number(qty) };
  });
}
