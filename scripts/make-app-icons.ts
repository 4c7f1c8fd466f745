/**
 * Draws the sellers' app icons (a ripe mango on the app's green) as PNGs with node:zlib alone, so no
 * image tool is needed. Run once when the design changes; the PNGs are committed under src/web/static/.
 *   npx tsx scripts/make-app-icons.ts
 */
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf: Buffer) => {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type: string, data: Buffer) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
};

function icon(size: number): Buffer {
  const rows: Buffer[] = [];
  const c = size / 2;
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 3);
    for (let x = 0; x < size; x++) {
      let rgb = [0x0b, 0x5d, 0x33]; // the app's green, full bleed (maskable)
      // A mango: an ellipse leaning a little, inside the maskable safe zone (radius 40%).
      const dx = (x - c) / size, dy = (y - c * 1.06) / size;
      const rx = dx * 0.94 + dy * 0.34, ry = -dx * 0.34 + dy * 0.94;
      if ((rx / 0.2) ** 2 + (ry / 0.27) ** 2 <= 1) rgb = rx < -0.05 && ry < -0.05 ? [0xff, 0xc8, 0x3d] : [0xf5, 0xa6, 0x23];
      // A leaf at the stem.
      const lx = (x - c * 1.16) / size, ly = (y - c * 0.62) / size;
      if ((lx / 0.11) ** 2 + (ly / 0.045) ** 2 <= 1) rgb = [0x7c, 0xc5, 0x5b];
      row.set(rgb, 1 + x * 3);
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(Buffer.concat(rows), { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

for (const size of [192, 512]) writeFileSync(new URL(`../src/web/static/icon-${size}.png`, import.meta.url), icon(size));
