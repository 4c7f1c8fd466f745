import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

export type LocalSecrets = { jwtSecret: string; tokenEncryptionKey: string };

const isSecret = (v: unknown): v is string => typeof v === 'string' && v.length >= 32;

function read(path: string): LocalSecrets | null {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<LocalSecrets>;
    return isSecret(parsed.jwtSecret) && isSecret(parsed.tokenEncryptionKey) ? { jwtSecret: parsed.jwtSecret, tokenEncryptionKey: parsed.tokenEncryptionKey } : null;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new Error(`${path}: cannot read the local secrets (${(err as Error).message}); delete the file to generate new ones`);
  }
}

/**
 * Secrets for a development or test instance: read from a git-ignored JSON file, created with
 * random values (mode 0600) at the first start. Never used in production, where config.ts requires
 * JWT_SECRET and TOKEN_ENCRYPTION_KEY. Several processes starting together agree on one file:
 * each writes a private temporary file and hard-links it into place, which either succeeds whole
 * or fails with EEXIST, so no process ever reads a half-written file; the losers read the winner's.
 */
export function localSecrets(file: string): LocalSecrets {
  const path = resolve(file);
  const existing = read(path);
  if (existing) return existing;
  const fresh: LocalSecrets = { jwtSecret: randomBytes(32).toString('base64url'), tokenEncryptionKey: randomBytes(32).toString('base64url') };
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(fresh, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(tmp, path);
    return fresh;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const raced = read(path);
    if (!raced) throw new Error(`${path}: exists but holds no valid secrets; delete it to generate new ones`);
    return raced;
  } finally {
    unlinkSync(tmp);
  }
}
