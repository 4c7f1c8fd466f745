import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BarcodeFormat, BinaryBitmap, DecodeHintType, GlobalHistogramBinarizer, HybridBinarizer, MultiFormatReader, RGBLuminanceSource } from '@zxing/library';
import sharp from 'sharp';
import { ensureDebianTools } from './debian-tools.ts';

const run = promisify(execFile);

/** ZXing as a camera app would retry: as shot, then at twice the size, each with both binarizers. */
async function zxing(png: Buffer): Promise<string | null> {
  const reader = new MultiFormatReader();
  reader.setHints(new Map<DecodeHintType, unknown>([[DecodeHintType.POSSIBLE_FORMATS, [BarcodeFormat.QR_CODE]], [DecodeHintType.TRY_HARDER, true]]));
  const { width } = await sharp(png).metadata();
  for (const factor of [1, 2]) {
    const { data, info } = await sharp(png).resize({ width: width! * factor, kernel: 'nearest' }).greyscale().raw().toBuffer({ resolveWithObject: true });
    const source = new RGBLuminanceSource(new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), info.width, info.height);
    for (const binarizer of [new HybridBinarizer(source), new GlobalHistogramBinarizer(source)]) {
      try {
        return reader.decode(new BinaryBitmap(binarizer)).getText();
      } catch {
        // try the next way of looking at it
      }
    }
  }
  return null;
}

/**
 * Reads the QR code in a PNG (a screenshot of what a page shows) with two independent decoders, as
 * buyers' banking apps differ: ZXing, then zbar. ZXing alone misses about one valid VietQR code in
 * twenty (found measuring 300 payloads: zbar read all 300, ZXing 282, whatever the rendering), so a
 * test that depended on it alone failed on some receipt numbers. Throws when neither reads it.
 */
export async function readQr(png: Buffer): Promise<string> {
  const first = await zxing(png);
  if (first !== null) return first;
  ensureDebianTools('zbar-tools', ['zbarimg']);
  const dir = await mkdtemp(join(tmpdir(), 'dtpc-qr-'));
  try {
    const file = join(dir, 'qr.png');
    await writeFile(file, png);
    const { stdout } = await run('zbarimg', ['--quiet', '--raw', '-Sdisable', '-Sqrcode.enable', file]);
    return stdout.replace(/\n$/, '');
  } catch (err) {
    throw new Error(`neither ZXing nor zbar found a QR code in the image (${(err as Error).message.split('\n')[0]})`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
