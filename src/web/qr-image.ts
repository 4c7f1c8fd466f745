/** A QR code ready for an <img>: its PNG as a data URI and its width (= height) in pixels. */
export type QrImage = { src: string; px: number };

/**
 * A QR code as a PNG data URI, for an <img> the page carries with it (the apps' CSP allows `data:`
 * images): no second request on a weak signal, and it prints with the page. Error correction M
 * (BWIPP's default), as banks print VietQR codes; a white quiet zone of 4 modules so a phone camera
 * finds its edges on any background. Shown at its own pixel size (`px`): squeezed to a fixed width
 * with pixelated rendering, modules came out 5 or 6 pixels wide and about one code in twenty would
 * not read (a screenshot test found it).
 */
export async function qrImage(text: string): Promise<QrImage> {
  const { default: bwipjs } = await import('bwip-js'); // loaded on first use: about 12 MB in every process otherwise
  // bwip-js draws a QR module as 2 points at scale 1, so padding 8 points = 4 modules.
  // BWIPP's default error correction for qrcode is M.
  const png = Buffer.from(await bwipjs.toBuffer({ bcid: 'qrcode', text, scale: 3, padding: 8, backgroundcolor: 'FFFFFF' }));
  // PNG: the IHDR chunk's width is the big-endian word at byte 16.
  return { src: `data:image/png;base64,${png.toString('base64')}`, px: png.readUInt32BE(16) };
}
