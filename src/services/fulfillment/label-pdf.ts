import { renderPdf } from '../../lib/pdf-document.ts';

/** Everything printed on one label. */
export type LabelData = {
  packageNumber: string;
  orderSn: string;
  sender: { name: string; phone: string; address: string };
  recipient: { name: string; phone: string; address: string };
  /** Where the seller drops the parcel, and where the buyer collects it when they do. */
  dropOff: { code: string; name: string; address: string } | null;
  buyerPickup: { code: string; name: string | null } | null;
  weightGrams: number;
  codAmountVnd: number;
  note: string;
};

/** `1.250.000 ₫`, the Vietnamese way. */
export const formatVnd = (n: number) => `${new Intl.NumberFormat('vi-VN').format(n)} ₫`;
const formatKg = (g: number) => `${new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 2 }).format(g / 1000)} kg`;

async function barcodes(packageNumber: string): Promise<{ code128: Buffer; qr: Buffer }> {
  // Loaded on the first label, like pdfkit (src/lib/pdf-document.ts): about 12 MB in every process otherwise.
  const { default: bwipjs } = await import('bwip-js');
  const [code128, qr] = await Promise.all([
    // Wide modules (scale 3) so a phone camera or a cheap scanner reads it off a thermal print.
    bwipjs.toBuffer({ bcid: 'code128', text: packageNumber, scale: 3, height: 14, includetext: false }),
    bwipjs.toBuffer({ bcid: 'qrcode', text: packageNumber, scale: 4 }),
  ]);
  return { code128, qr };
}

// A6 portrait in points (105 × 148 mm), the size of a Vietnam Post parcel label.
const W = 297.64;
const M = 12;

function drawLabel(doc: PDFKit.PDFDocument, l: LabelData, img: { code128: Buffer; qr: Buffer }): void {
  doc.addPage({ size: 'A6', margin: M });
  const inner = W - 2 * M;
  doc.font('bold').fontSize(9).text('BƯU ĐIỆN VIỆT NAM · POSTMART', M, M, { width: inner, align: 'left' });
  doc.font('regular').fontSize(8).text(`Đơn ${l.orderSn}`, M, M, { width: inner, align: 'right' });

  doc.image(img.code128, M, 26, { fit: [inner, 52], align: 'center' });
  doc.font('bold').fontSize(12).text(l.packageNumber, M, 80, { width: inner, align: 'center', characterSpacing: 1 });

  const qrSize = 74;
  const infoW = inner - qrSize - 8;
  let y = 98;
  doc.image(img.qr, W - M - qrSize, y, { width: qrSize, height: qrSize });
  doc.font('regular').fontSize(8).text('Mã đơn hàng', M, y, { width: infoW });
  doc.font('bold').fontSize(10).text(l.orderSn, M, doc.y, { width: infoW });
  doc.font('regular').fontSize(8).text(`Khối lượng: ${formatKg(l.weightGrams)}`, M, doc.y + 2, { width: infoW });
  if (l.dropOff) doc.text(`Gửi tại: ${l.dropOff.code} · ${l.dropOff.name}`, { width: infoW, height: 30, ellipsis: true });
  if (l.buyerPickup) doc.font('bold').text(`Nhận tại bưu cục: ${l.buyerPickup.code}${l.buyerPickup.name ? ` · ${l.buyerPickup.name}` : ''}`, { width: infoW, height: 30, ellipsis: true });
  y = Math.max(doc.y, 98 + qrSize) + 6;

  const block = (title: string, p: { name: string; phone: string; address: string }) => {
    doc.moveTo(M, y).lineTo(W - M, y).lineWidth(0.5).stroke();
    doc.font('bold').fontSize(8).text(title, M, y + 3, { width: inner });
    // Heights bound every block: pdfkit would otherwise start a new page for a very long address.
    doc.font('bold').fontSize(10).text(`${p.name} · ${p.phone}`, { width: inner, height: 26, ellipsis: true });
    doc.font('regular').fontSize(9).text(p.address, { width: inner, height: 34, ellipsis: true });
    y = doc.y + 4;
  };
  block('NGƯỜI GỬI', l.sender);
  block('NGƯỜI NHẬN', l.recipient);

  // The amount the post office collects from the buyer, big enough to read at arm's length.
  doc.rect(M, y, inner, 62).lineWidth(1.5).stroke();
  doc.font('bold').fontSize(9).text(l.codAmountVnd > 0 ? 'THU HỘ (COD)' : 'KHÔNG THU TIỀN', M + 6, y + 5, { width: inner - 12 });
  doc.font('bold').fontSize(26).text(formatVnd(l.codAmountVnd), M + 6, y + 22, { width: inner - 12, align: 'center' });
  y += 66;
  if (l.note) doc.font('regular').fontSize(8).text(`Ghi chú: ${l.note}`, M, y, { width: inner, height: 419.53 - M - y, ellipsis: true });
}

/** One PDF with one A6 label a page, in the order given. */
export async function renderLabels(labels: LabelData[]): Promise<Buffer> {
  const images = await Promise.all(labels.map((l) => barcodes(l.packageNumber)));
  // Be Vietnam Pro is embedded (src/lib/pdf-document.ts), so any printer renders the Vietnamese text.
  return renderPdf({ autoFirstPage: false, info: { Title: 'Nhãn gửi hàng', Creator: 'Đồng Tháp Postmart Connector' } }, (doc) => labels.forEach((l, i) => drawLabel(doc, l, images[i]!)));
}
