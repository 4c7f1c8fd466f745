import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BarcodeFormat, BinaryBitmap, DecodeHintType, HybridBinarizer, MultiFormatReader, RGBLuminanceSource } from '@zxing/library';
import sharp from 'sharp';
import { ensureDebianTools } from '../support/debian-tools.ts';

const run = promisify(execFile);

/** pdftoppm, pdftotext and pdfinfo come from Debian's poppler-utils. */
export const ensurePoppler = (): void => ensureDebianTools('poppler-utils', ['pdftoppm', 'pdftotext', 'pdfinfo']);

async function withPdf<T>(pdf: Buffer, fn: (file: string, dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'dtpc-label-'));
  try {
    const file = join(dir, 'label.pdf');
    await writeFile(file, pdf);
    return await fn(file, dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export const pdfText = (pdf: Buffer, page?: number) =>
  withPdf(pdf, async (file) => (await run('pdftotext', [...(page ? ['-f', String(page), '-l', String(page)] : []), '-layout', file, '-'])).stdout);

export async function pdfInfo(pdf: Buffer): Promise<{ pages: number; pageSize: string; fonts: string }> {
  return withPdf(pdf, async (file) => {
    const info = (await run('pdfinfo', [file])).stdout;
    const fonts = (await run('pdffonts', [file])).stdout;
    return { pages: Number(info.match(/^Pages:\s+(\d+)/m)![1]), pageSize: info.match(/^Page size:\s+(.+)$/m)![1]!.trim(), fonts };
  });
}

/**
 * Rasterizes one page and reads the barcodes of the given format back, as a scanner would: at 300 dpi
 * first, then at 600 dpi (ZXing sometimes misses thin Code 128 bars at 300 dpi on an A6 label).
 */
export async function decodePage(pdf: Buffer, page: number, format: 'CODE_128' | 'QR_CODE'): Promise<string> {
  let lastError: unknown;
  for (const dpi of [300, 600]) {
    try {
      return await decodeAt(pdf, page, format, dpi);
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError;
}

async function decodeAt(pdf: Buffer, page: number, format: 'CODE_128' | 'QR_CODE', dpi: number): Promise<string> {
  const png = await withPdf(pdf, async (file, dir) => {
    await run('pdftoppm', ['-r', String(dpi), '-f', String(page), '-l', String(page), '-png', '-singlefile', file, join(dir, 'page')]);
    return readFile(join(dir, 'page.png'));
  });
  const { data, info } = await sharp(png).greyscale().raw().toBuffer({ resolveWithObject: true });
  const reader = new MultiFormatReader();
  reader.setHints(new Map<DecodeHintType, unknown>([[DecodeHintType.POSSIBLE_FORMATS, [BarcodeFormat[format]]], [DecodeHintType.TRY_HARDER, true]]));
  const source = new RGBLuminanceSource(new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), info.width, info.height);
  return reader.decode(new BinaryBitmap(new HybridBinarizer(source))).getText();
}
