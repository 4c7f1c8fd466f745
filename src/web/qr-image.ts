/**
 * A QR code as a PNG data URI, for an <img> the page carries with it (the apps' CSP allows `data:`
 * images): no second request on a weak signal, and it prints with the page. Error correction M
 * (BWIPP's default), as banks print VietQR codes; a white quiet zone of 4 modules so a phone camera finds its edges
 * on any background.
 */
export async function qrDataUri(text: string): Promise<string> {
  // bwip-js draws a QR module as 2 points at scale 1, so padding 8 points = 4 modules.
  // BWIPP's default error correction for qrcode is M.
  const { default: bwipjs } = await import('bwip-js'); // loaded on first use: about 12 MB in every process otherwise
  const png = await bwipjs.toBuffer({ bcid: 'qrcode', text, scale: 3, padding: 8, backgroundcolor: 'FFFFFF' });
  return `data:image/png;base64,${Buffer.from(png).toString('base64')}`;
}
