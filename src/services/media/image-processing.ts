import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { AppError } from '../../errors.ts';

/** What a seller may upload: the formats every phone camera and gallery produces. */
export const ACCEPTED_TYPES = { 'image/jpeg': 'jpeg', 'image/png': 'png', 'image/webp': 'webp' } as const;
export type AcceptedType = keyof typeof ACCEPTED_TYPES;
export const MAX_IMAGE_BYTES = 15 * 1024 * 1024;
export const LARGE_PX = 1280;
export const THUMB_PX = 320;
/** A 15 MB PNG can still decode to gigapixels; refuse such "decompression bombs" before decoding them. */
const MAX_INPUT_PIXELS = 100_000_000;

export type ProcessedImage = { hash: string; large: Buffer; thumb: Buffer; width: number; height: number };

const refuse = (field: string, vi: string, en: string) => new AppError('IMAGE_NOT_ACCEPTED', { detail: { vi, en } }, field);

/**
 * Checks that the bytes are really the JPEG, PNG or WebP the client claims (sharp reads the format
 * from the bytes, not from the name or the header), then makes the two JPEGs Postmart and the app
 * show: turned upright by its EXIF orientation, at most 1280 px and 320 px on the long side.
 * sharp writes no metadata unless asked, so EXIF (a farmer's GPS position, the phone's serial),
 * XMP and IPTC never leave the server; colours are converted to sRGB.
 */
export async function processImage(field: string, claimedType: string, input: Buffer): Promise<ProcessedImage> {
  const claimed = ACCEPTED_TYPES[claimedType as AcceptedType];
  if (!claimed) {
    throw refuse(field, `kiểu ${claimedType || '(không rõ)'} không được nhận; chỉ nhận ảnh JPEG, PNG hoặc WebP`, `type ${claimedType || '(unknown)'} is not accepted; send a JPEG, PNG or WebP photo`);
  }
  let format: string | undefined;
  try {
    format = (await sharp(input, { limitInputPixels: MAX_INPUT_PIXELS }).metadata()).format;
  } catch {
    throw refuse(field, 'tệp không phải là ảnh hoặc đã bị hỏng', 'the file is not an image or is damaged');
  }
  if (format !== claimed) {
    throw refuse(
      field,
      `nội dung tệp (${format ?? 'không rõ'}) không khớp với kiểu đã khai báo ${claimedType}; chỉ nhận ảnh JPEG, PNG hoặc WebP`,
      `the file's content (${format ?? 'unknown'}) does not match its declared type ${claimedType}; send a JPEG, PNG or WebP photo`,
    );
  }
  const render = (px: number) =>
    sharp(input, { limitInputPixels: MAX_INPUT_PIXELS })
      .rotate()
      .resize({ width: px, height: px, fit: 'inside', withoutEnlargement: true })
      // JPEG has no transparency: a PNG's transparent background becomes white, not black.
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: 82, mozjpeg: true })
      .toBuffer({ resolveWithObject: true });
  try {
    const [large, thumb] = await Promise.all([render(LARGE_PX), render(THUMB_PX)]);
    const hash = createHash('sha256').update(large.data).digest('hex');
    return { hash, large: large.data, thumb: thumb.data, width: large.info.width, height: large.info.height };
  } catch {
    // The header parsed but the pixels did not (a truncated upload).
    throw refuse(field, 'ảnh bị hỏng hoặc tải lên chưa hết', 'the image is damaged or was not uploaded completely');
  }
}

export const largeKey = (hash: string) => `${hash}.jpg`;
export const thumbKey = (hash: string) => `${hash}_320.jpg`;
/** A private scan (an authorization paper): never under a public /media name. */
export const scanKey = (hash: string) => `scan-${hash}.jpg`;
