/**
 * Printable pages for the counter: the buyer's receipt, the settlement statement, the farm pickup
 * round. pdfkit is not a dependency of the connector, so these are self-contained HTML pages sized
 * for an A4 or 80 mm printer (the browser prints them, or saves them as PDF).
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const esc = (v: unknown) => String(v ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/** 1234567 → "1.234.567 đ", as Vietnamese receipts write money. */
export const vnd = (n: number) => `${n.toLocaleString('vi-VN').replace(/,/g, '.')} đ`;

export function page(title: string, body: string, width = '80mm'): string {
  return `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
  body { font: 13px/1.4 system-ui, sans-serif; max-width: ${width}; margin: 0 auto; padding: 8px; }
  table { width: 100%; border-collapse: collapse; } th, td { padding: 2px 4px; text-align: left; vertical-align: top; }
  td.n, th.n { text-align: right; } tfoot td { font-weight: bold; border-top: 1px solid #000; }
  h1 { font-size: 16px; margin: 0 0 4px; } .muted { color: #555; } .void { color: #b00; font-weight: bold; }
  @media print { .noprint { display: none; } }
</style></head><body>
${body}
</body></html>`;
}

export type ReceiptData = {
  receiptNo: string; pointName: string; pointAddress: string; soldAt: string; clerkName: string; payment: 'cash' | 'bank_transfer';
  totalVnd: number; cashReceivedVnd: number | null; changeVnd: number | null; vietqrPayload: string | null; state: 'completed' | 'voided'; voidReason: string | null;
  lines: { name: string; unit: string; qty: number; unitPriceVnd: number; amountVnd: number }[];
};

export function receiptHtml(r: ReceiptData): string {
  const rows = r.lines.map((l) => `<tr><td>${esc(l.name)}<br><span class="muted">${l.qty} ${esc(l.unit)} × ${vnd(l.unitPriceVnd)}</span></td><td class="n">${vnd(l.amountVnd)}</td></tr>`).join('\n');
  const pay =
    r.payment === 'cash'
      ? `<p>Tiền mặt: ${vnd(r.cashReceivedVnd ?? r.totalVnd)} · Tiền thừa: ${vnd(r.changeVnd ?? 0)}</p>`
      : `<p>Chuyển khoản VietQR, nội dung <b>${esc(r.receiptNo)}</b></p><p class="muted" data-vietqr="${esc(r.vietqrPayload)}" style="word-break:break-all">${esc(r.vietqrPayload)}</p>`;
  return page(
    `Hóa đơn ${r.receiptNo}`,
    `<h1>${esc(r.pointName)}</h1><p class="muted">${esc(r.pointAddress)}</p>
<p>Hóa đơn bán lẻ hàng ký gửi <b>${esc(r.receiptNo)}</b><br>${esc(r.soldAt)} · Nhân viên: ${esc(r.clerkName)}</p>
${r.state === 'voided' ? `<p class="void">ĐÃ HỦY: ${esc(r.voidReason)}</p>` : ''}
<table><tbody>
${rows}
</tbody><tfoot><tr><td>Tổng cộng</td><td class="n">${vnd(r.totalVnd)}</td></tr></tfoot></table>
${pay}
<p class="muted">Sản phẩm Đồng Tháp ký gửi tại bưu cục. Cảm ơn quý khách!</p>`,
  );
}
