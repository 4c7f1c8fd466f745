import { createRequire } from 'node:module';

/**
 * Be Vietnam Pro (SIL OFL 1.1, from the npm package @expo-google-fonts/be-vietnam-pro): a TTF with
 * every Vietnamese glyph, embedded in each PDF so labels and statements print the same on any
 * printer, with no system font assumed. pdfkit needs TTF or OTF, not woff2.
 */
const require = createRequire(import.meta.url);
export const FONT_REGULAR = require.resolve('@expo-google-fonts/be-vietnam-pro/400Regular/BeVietnamPro_400Regular.ttf');
export const FONT_BOLD = require.resolve('@expo-google-fonts/be-vietnam-pro/700Bold/BeVietnamPro_700Bold.ttf');

/**
 * A pdfkit document with the fonts registered as `regular` and `bold`; `draw` fills it, the bytes
 * come back. pdfkit is loaded on the first PDF: it weighs about 19 MB of memory in every API and
 * worker process, and only labels and settlement statements use it.
 */
export async function renderPdf(options: PDFKit.PDFDocumentOptions, draw: (doc: PDFKit.PDFDocument) => void): Promise<Buffer> {
  const { default: PDFDocument } = await import('pdfkit');
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
