import sharp from 'sharp';

/** A real photo-like JPEG (a gradient, so the encoder has something to do), `w`×`h` as stored. */
export async function jpeg(w = 400, h = 200, opts: { orientation?: number; gps?: boolean; color?: string } = {}): Promise<Buffer> {
  let img = sharp({ create: { width: w, height: h, channels: 3, background: opts.color ?? '#3a7d2c' } }).composite([
    { input: Buffer.from(`<svg width="${w}" height="${h}"><rect x="0" y="0" width="${Math.floor(w / 2)}" height="${h}" fill="#f2c94c"/></svg>`) },
  ]);
  if (opts.gps) {
    // libvips names the GPS directory IFD3; these are the tags a phone camera writes.
    img = img.withExif({
      IFD0: { Make: 'TestPhone', Model: 'Orchard 1' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '10/1 17/1 3000/100', GPSLongitudeRef: 'E', GPSLongitude: '105/1 38/1 1200/100' },
    });
  }
  if (opts.orientation) img = img.withMetadata({ orientation: opts.orientation });
  return img.jpeg({ quality: 90 }).toBuffer();
}

export const png = (w = 300, h = 300) => sharp({ create: { width: w, height: h, channels: 4, background: { r: 0, g: 0, b: 255, alpha: 0.5 } } }).png().toBuffer();
export const webp = (w = 300, h = 300) => sharp({ create: { width: w, height: h, channels: 3, background: '#aa3300' } }).webp().toBuffer();
export const gif = () => sharp({ create: { width: 20, height: 20, channels: 3, background: '#000000' } }).gif().toBuffer();

export type Part = { field?: string; filename?: string; type: string; data: Buffer };

/** A multipart/form-data body built by hand, so a test can claim any type for any bytes. */
export function multipart(parts: Part[]): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----dtpc${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${p.field ?? 'file'}"; filename="${p.filename ?? 'anh.jpg'}"\r\nContent-Type: ${p.type}\r\n\r\n`,
      ),
      p.data,
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}
