import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { assertMediaKey, type MediaStorage } from './storage.ts';

/** Photos in a folder on the server's disk (MEDIA_DIR): the default, for one machine. */
export class LocalMediaStorage implements MediaStorage {
  readonly driver = 'local' as const;
  private readonly dir: string;

  constructor(dir: string) {
    this.dir = resolve(dir);
  }

  async put(key: string, body: Buffer): Promise<void> {
    assertMediaKey(key);
    await mkdir(this.dir, { recursive: true });
    // Write then rename: a reader never sees half a file, and two uploads of one photo both succeed.
    const tmp = join(this.dir, `.${key}.${randomUUID()}.tmp`);
    await writeFile(tmp, body);
    await rename(tmp, join(this.dir, key));
  }

  async get(key: string): Promise<{ body: Buffer; contentType: string } | null> {
    assertMediaKey(key);
    try {
      return { body: await readFile(join(this.dir, key)), contentType: 'image/jpeg' };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    assertMediaKey(key);
    await rm(join(this.dir, key), { force: true });
  }

  async close(): Promise<void> {}
}
