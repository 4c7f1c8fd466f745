import type { MediaConfig } from '../../config.ts';

/**
 * Where photo bytes live. Keys are content-addressed file names (`<sha256>.jpg`), so a key's bytes
 * never change: `put` of an existing key may skip the write, and readers may cache forever.
 */
export interface MediaStorage {
  readonly driver: MediaConfig['driver'];
  put(key: string, body: Buffer, contentType: string): Promise<void>;
  /** The object's bytes, or null when there is no such key. */
  get(key: string): Promise<{ body: Buffer; contentType: string } | null>;
  /** Removing a key that does not exist is not an error. */
  delete(key: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Keys are produced by this service only; anything else is refused before it reaches a path or a
 * bucket. `scan-` keys hold authorization papers: the public /media route's pattern
 * (src/schemas/product-images.ts MediaParams) does not match them, so they are served only
 * through GET /v1/authorizations/{id}/scan to those who may read the authorization.
 */
export const MEDIA_KEY = /^(scan-)?[0-9a-f]{64}(_320)?\.jpg$/;

export function assertMediaKey(key: string): void {
  if (!MEDIA_KEY.test(key)) throw new Error(`invalid media key ${JSON.stringify(key)}`);
}
