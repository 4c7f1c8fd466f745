import { renderPdf } from '../../lib/pdf-document.ts';
import { formatVnd } from '../fulfillment/label-pdf.ts';
import { percentOf, type StatementView } from './settlement.ts';

/**
 * The settlement statement as an A4 PDF (issue 14: "a statement as PDF and CSV"), with the same
 * lines and totals as statementCsv: the seller signs or files it, so it carries the month, both
 * parties, the state and, once accepted, when. Be Vietnam Pro is embedded for the diacritics.
 */

// A4 portrait in points, 15 mm margins.
const PAGE_W = 595.28;
const PAGE_H = 841.89;
const M = 42.5;
const INNER = PAGE_W - 2 * M;

/** Columns: width and alignment (numbers right-aligned); the widths add up to the inner width. */
const COLS = [
  { title: 'Mã SP', w: 68, align: 'left' },
  { title: 'Sản phẩm', w: 142, align: 'left' },
  { title: 'SL', w: 28, align: 'right' },
  { title: 'Doanh thu', w: 74, align: 'right' },
  { title: 'Tỷ lệ', w: 40, align: 'right' },
  { title: 'Tiền hoa hồng', w: 76, align: 'right' },
  { title: 'Trả người bán', w: 82, align: 'right' },
] as const;

const vnDateTime = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)} ${iso.slice(11, 16)}`;
const monthLabel = (m: string) => `${m.slice(5, 7)}/${m.slice(0, 4)}`;

function row(doc: PDFKit.PDFDocument, y: number, cells: string[], font: 'regular' | 'bold'): number {
  let x = M;
  let h = 0;
  doc.font(font).fontSize(9);
  cells.forEach((text, i) => {
    const c = COLS[i]!;
    h = Math.max(h, doc.heightOfString(text, { width: c.w - 4 }));
    doc.text(text, x + 2, y, { width: c.w - 4, align: c.align, lineBreak: true });
    x += c.w;
  });
  return y + h + 5;
}

function header(doc: PDFKit.PDFDocument, y: number): number {
  doc.rect(M, y - 2, INNER, 18).fill('#eeeeee').fillColor('black');
  const next = row(doc, y + 2, COLS.map((c) => c.title), 'bold');
  doc.moveTo(M, next - 2).lineTo(M + INNER, next - 2).lineWidth(0.5).stroke();
  return next;
}

export function renderStatementPdf(s: StatementView): Promise<Buffer> {
  return renderPdf({ size: 'A4', margin: M, info: { Title: `Bảng kê đối soát ${s.month} ${s.sellerName}`, Creator: 'Đồng Tháp Postmart Connector' } }, (doc) => {
    doc.font('bold').fontSize(9).text('BƯU ĐIỆN VIỆT NAM · ĐỒNG THÁP', M, M, { width: INNER });
    doc.font('bold').fontSize(16).text(`Bảng kê đối soát hàng ký gửi tháng ${monthLabel(s.month)}`, M, doc.y + 8, { width: INNER });
    doc.moveDown(0.5);
    const info: [string, string][] = [
      ['Người bán', s.sellerName],
      ['Bưu cục', s.pointName],
      ['Lập lúc', vnDateTime(s.generatedAt)],
      ['Trạng thái', s.state === 'accepted' && s.acceptedAt ? `Đã chấp nhận lúc ${vnDateTime(s.acceptedAt)}` : 'Bản nháp (chưa chấp nhận)'],
    ];
    for (const [k, v] of info) {
      const y = doc.y;
      doc.font('regular').fontSize(10).text(`${k}:`, M, y, { width: 90 });
      doc.font('bold').fontSize(10).text(v, M + 90, y, { width: INNER - 90 });
    }
    let y = header(doc, doc.y + 14);
    if (s.lines.length === 0) {
      doc.font('regular').fontSize(9).text('Không có bán hàng ký gửi trong tháng.', M + 2, y, { width: INNER });
      y = doc.y + 5;
    }
    for (const l of s.lines) {
      // A line that would run into the bottom margin starts a new page with the column titles again.
      if (y > PAGE_H - M - 80) {
        doc.addPage();
        y = header(doc, M);
      }
      y = row(doc, y, [l.sku, l.name, String(l.units), formatVnd(l.salesVnd), percentOf(l.commissionBp), formatVnd(l.commissionVnd), formatVnd(l.salesVnd - l.commissionVnd)], 'regular');
    }
    if (y > PAGE_H - M - 120) {
      doc.addPage();
      y = M;
    }
    doc.moveTo(M, y).lineTo(M + INNER, y).lineWidth(1).stroke();
    y = row(doc, y + 4, ['', 'Tổng cộng', String(s.units), formatVnd(s.salesVnd), '', formatVnd(s.commissionVnd), formatVnd(s.owedVnd)], 'bold');
    doc.font('bold').fontSize(12).text(`Số tiền bưu cục trả người bán: ${formatVnd(s.owedVnd)}`, M, y + 14, { width: INNER });
    doc.font('regular').fontSize(8).text('Hoa hồng tính theo tỷ lệ đã thỏa thuận có hiệu lực tại thời điểm bán; số tiền tính bằng đồng (VND).', M, doc.y + 6, { width: INNER });
    const signY = doc.y + 24;
    doc.font('bold').fontSize(10).text('Đại diện bưu cục', M, signY, { width: INNER / 2, align: 'center' });
    doc.text('Người bán', M + INNER / 2, signY, { width: INNER / 2, align: 'center' });
  });
}
