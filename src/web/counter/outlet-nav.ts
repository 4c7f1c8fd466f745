import { html, raw, type Html } from '../html.ts';
import { BASE } from './shell.ts';

/**
 * The consignment screens' own row of links under the app's tabs: the app's navigation gets one
 * entry (Ký gửi) and the four screens live here, so the shell stays as it is for other screens.
 */
const LINKS = [
  { key: 'sell', href: `${BASE}/sell`, label: 'Bán hàng' },
  { key: 'shelf', href: `${BASE}/shelf`, label: 'Kệ hàng' },
  { key: 'incoming', href: `${BASE}/consignments`, label: 'Nhận hàng' },
  { key: 'sales', href: `${BASE}/sales`, label: 'Hóa đơn' },
] as const;

export type OutletScreen = (typeof LINKS)[number]['key'];

export function outletNav(active: OutletScreen | null, incoming?: number): Html {
  return html`<nav class="subtabs" aria-label="Hàng ký gửi">${LINKS.map(
    (l) => html`<a href="${l.href}"${l.key === active ? raw(' aria-current="page"') : ''}>${l.label}${l.key === 'incoming' && incoming ? html` <span class="count" aria-hidden="true">${incoming}</span><span class="sr-only">, ${incoming} lô chờ nhận</span>` : ''}</a>`,
  )}</nav>`;
}

/** Days to a lot's best-before as the clerk reads it: "còn 3 ngày", "hết hạn hôm nay", "quá hạn 2 ngày". */
export function shelfLife(daysLeft: number | null, nearExpiry: boolean): { text: string; tone: 'ok' | 'warn' | 'bad' | 'muted' } {
  if (daysLeft === null) return { text: 'không có hạn dùng ngắn', tone: 'muted' };
  if (daysLeft < 0) return { text: `quá hạn ${-daysLeft} ngày`, tone: 'bad' };
  if (daysLeft === 0) return { text: 'hết hạn hôm nay', tone: 'bad' };
  return { text: `còn ${daysLeft} ngày`, tone: nearExpiry ? 'warn' : 'ok' };
}
