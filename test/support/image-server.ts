import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';

/**
 * A tiny HTTP server that serves a real JPEG at /<anything>.jpg, an HTML page at /page.html and
 * 404 elsewhere, for the sandbox's review step, which downloads every listing photo.
 */
export class ImageServer {
  private server: Server | null = null;
  private photo: Buffer | null = null;
  url = '';

  async start(): Promise<this> {
    this.photo = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#f2c94c' } }).jpeg().toBuffer();
    this.server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0]!;
      if (path === '/page.html' || path === '/html.jpg') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><p>Không phải ảnh</p>');
      } else if (/^\/[\w.-]+\.jpg$/.test(path)) {
        res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': this.photo!.length }).end(this.photo);
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      }
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** A reachable JPEG URL. */
  photoUrl(name = 'photo'): string {
    return `${this.url}/${name}.jpg`;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
