import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';

/**
 * Be Vietnam Pro (SIL OFL 1.1, from the npm package @expo-google-fonts/be-vietnam-pro): a TTF with
 * every Vietnamese glyph, embedded in each PDF so labels and statements print the same on any
 * printer, with no system font assumed. pdfkit needs TTF or OTF, not woff2.
 */
const require = createRequire(import.meta.url);
export const FONT_REGULAR = require.resolve('@expo-google-fonts/be-vietnam-pro/400Regular/BeVietnamPro_400Regular.ttf');
export const FONT_BOLD = require.resolve('@expo-google-fonts/be-vietnam-pro/700Bold/BeVietnamPro_700Bold.ttf');

/** A pdfkit document with the fonts registered as `regular` and `bold`; `draw` fills it, the bytes come back. */
export async function renderPdf(options: PDFKit.PDFDocumentOptions, draw: (doc: PDFKit.PDFDocument) => void): Promise<Buffer> {
  const doc = new PDFDocument(options);
  doc.registerFont('regular', FONT_REGULAR);
  doc.registerFont('bold', FONT_BOLD);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });
  draw(doc);
  doc.end();
  await done;
  return Buffer.concat(chunks);
}
