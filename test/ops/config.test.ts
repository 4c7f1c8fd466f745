import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { SANDBOX_VARIABLES } from '../../sandbox/config.ts';
import { CONFIG_VARIABLES, ConfigError, loadConfig } from '../../src/config.ts';

/** A production environment with every production secret set (each test removes the one it is about). */
const PRODUCTION = {
  NODE_ENV: 'production',
  JWT_SECRET: 'a-real-production-jwt-secret-of-32-chars!',
  TOKEN_ENCRYPTION_KEY: 'a-real-production-encryption-key-32-chars',
  POSTMART_BASE_URL: 'https://partner.postmart.vn/api/v1',
};

/** Runs loadConfig and returns the ConfigError it throws (fails the test if it does not throw one). */
function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('loadConfig accepted a bad environment');
}

describe('loadConfig', () => {
  it('gives working developer defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config.env).toBe('development');
    expect(config.port).toBe(3000);
    expect(config.databaseUrl).toMatch(/^postgres:\/\//);
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(config.roles).toEqual(['api', 'worker', 'sandbox']);
    expect(config.admin).toBeNull();
    expect(config.seedDemo).toBe(true);
    expect(config.publicUrl).toBe('http://127.0.0.1:3000');
  });

  it('converts numeric strings and parses ROLES, PUBLIC_URL and the admin pair', () => {
    const config = loadConfig({
      PORT: '8080',
      DATABASE_POOL_SIZE: '5',
      ROLES: 'api,worker,api',
      PUBLIC_URL: 'https://connector.example.vn/',
      ADMIN_PHONE: '0912345678',
      ADMIN_PASSWORD: 'long-enough-password',
    });
    expect(config.port).toBe(8080);
    expect(config.databasePoolSize).toBe(5);
    expect(config.roles).toEqual(['api', 'worker']);
    expect(config.publicUrl).toBe('https://connector.example.vn');
    expect(config.admin).toEqual({ phone: '0912345678', password: 'long-enough-password' });
  });

  it('treats an empty variable as unset, so the default applies', () => {
    expect(loadConfig({ PORT: '', LOG_LEVEL: '' }).port).toBe(3000);
  });

  it('returns a frozen config', () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.roles)).toBe(true);
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://localhost/db'],
    ['REDIS_URL', 'http://127.0.0.1:6379'],
    ['QUEUE_PREFIX', 'no-braces'],
    ['JWT_SECRET', 'too-short'],
    ['JWT_TTL_SECONDS', '10'],
    ['ROLES', 'api,web'],
    ['LOG_LEVEL', 'verbose'],
    ['NODE_ENV', 'staging'],
    ['DATABASE_POOL_SIZE', '0'],
  ])('names %s when it is set to %j', (name, value) => {
    const problems = problemsOf({ [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${name}=`));
    expect(problems[0]).toContain(JSON.stringify(value));
  });

  it('lists every bad variable at once, and the error message names each', () => {
    let caught: unknown;
    try {
      loadConfig({ PORT: 'x', REDIS_URL: 'nope', JWT_SECRET: 'short' });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const names = (caught as ConfigError).problems.map((p) => p.split('=')[0]).sort();
    expect(names).toEqual(['JWT_SECRET', 'PORT', 'REDIS_URL']);
    for (const name of names) expect((caught as Error).message).toContain(name);
  });

  it('refuses the development JWT secret in production, naming JWT_SECRET', () => {
    expect(problemsOf({ ...PRODUCTION, JWT_SECRET: undefined })).toEqual([expect.stringMatching(/^JWT_SECRET: /)]);
    expect(loadConfig(PRODUCTION).env).toBe('production');
  });

  it('keeps photos on local disk by default and needs a bucket, and both keys or neither, for S3', () => {
    expect(loadConfig({}).media).toEqual({ driver: 'local', dir: './var/media' });
    expect(problemsOf({ MEDIA_DRIVER: 's3' })[0]).toMatch(/^S3_BUCKET: /);
    expect(problemsOf({ MEDIA_DRIVER: 's3', S3_BUCKET: 'photos', S3_ACCESS_KEY_ID: 'k' })[0]).toMatch(/S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY/);
    expect(problemsOf({ MEDIA_DRIVER: 'ftp' })[0]).toMatch(/^MEDIA_DRIVER/);
    expect(loadConfig({ MEDIA_DRIVER: 's3', S3_BUCKET: 'photos', S3_ENDPOINT: 'http://127.0.0.1:9000' }).media).toEqual({
      driver: 's3',
      endpoint: 'http://127.0.0.1:9000',
      region: 'us-east-1',
      bucket: 'photos',
      accessKeyId: null,
      secretAccessKey: null,
      forcePathStyle: true,
    });
  });

  it('refuses ADMIN_PHONE without ADMIN_PASSWORD and the reverse', () => {
    expect(problemsOf({ ADMIN_PHONE: '0912345678' })[0]).toMatch(/ADMIN_PHONE and ADMIN_PASSWORD/);
    expect(problemsOf({ ADMIN_PASSWORD: 'long-enough-password' })[0]).toMatch(/ADMIN_PHONE and ADMIN_PASSWORD/);
  });

  it('turns demo data off by default in production', () => {
    expect(loadConfig(PRODUCTION).seedDemo).toBe(false);
  });

  it('refuses a production start without POSTMART_BASE_URL, naming it', () => {
    expect(problemsOf({ ...PRODUCTION, POSTMART_BASE_URL: undefined })).toEqual([expect.stringMatching(/^POSTMART_BASE_URL: .*production/)]);
  });

  it('refuses the sandbox role in production and leaves it out of ROLES=all there', () => {
    expect(problemsOf({ ...PRODUCTION, ROLES: 'api,sandbox' })).toEqual([expect.stringMatching(/^ROLES: .*sandbox/)]);
    expect(loadConfig(PRODUCTION).roles).toEqual(['api', 'worker']);
    expect(loadConfig({}).roles).toEqual(['api', 'worker', 'sandbox']);
  });

  it('talks to the sandbox when POSTMART_BASE_URL is unset, or when this process runs the sandbox under a service host name', () => {
    expect(loadConfig({}).postmartIsSandbox).toBe(true);
    expect(loadConfig({ POSTMART_BASE_URL: 'http://sandbox:4010/api/v1', ROLES: 'sandbox' }).postmartIsSandbox).toBe(true);
    expect(loadConfig({ POSTMART_BASE_URL: 'http://sandbox:4010/api/v1', ROLES: 'api,worker' }).postmartIsSandbox).toBe(false);
    // The default ROLES=all in development includes the sandbox, but a real Postmart URL is meant.
    expect(loadConfig({ POSTMART_BASE_URL: 'https://staging.postmart.vn/api/v1' }).postmartIsSandbox).toBe(false);
    expect(loadConfig(PRODUCTION).postmartIsSandbox).toBe(false);
  });

  it('serves a worker-only process on WORKER_HTTP_PORT, 3001 unless set', () => {
    expect(loadConfig({}).workerHttpPort).toBe(3001);
    expect(loadConfig({ WORKER_HTTP_PORT: '9464' }).workerHttpPort).toBe(9464);
    expect(problemsOf({ WORKER_HTTP_PORT: '70000' })[0]).toMatch(/^WORKER_HTTP_PORT/);
  });

  it('is documented in .env.example, every variable of the connector and the sandbox', () => {
    const documented = new Set([...readFileSync(new URL('../../.env.example', import.meta.url), 'utf8').matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]));
    expect([...CONFIG_VARIABLES, ...SANDBOX_VARIABLES].filter((v) => !documented.has(v))).toEqual([]);
    expect(CONFIG_VARIABLES).toContain('WORKER_HTTP_PORT');
  });

  describe('finding 7: no secret is a constant, and development stays off the network', () => {
    it('listens on 127.0.0.1 by default outside production, on 0.0.0.0 in production, and on HOST when set', () => {
      expect(loadConfig({}).host).toBe('127.0.0.1');
      expect(loadConfig({ NODE_ENV: 'test' }).host).toBe('127.0.0.1');
      expect(loadConfig(PRODUCTION).host).toBe('0.0.0.0');
      expect(loadConfig({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    });
    it('generates random development secrets once, keeps them in a private local file, and reuses them', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'dtpc-secrets-'));
      try {
        const file = join(dir, '.secrets.local.json');
        const first = loadConfig({ SECRETS_FILE: file });
        expect(first.jwtSecret.length).toBeGreaterThanOrEqual(32);
        expect(first.tokenEncryptionKey.length).toBeGreaterThanOrEqual(32);
        expect(first.jwtSecret).not.toBe(first.tokenEncryptionKey);
        expect((await stat(file)).mode & 0o077).toBe(0);
        expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ jwtSecret: first.jwtSecret, tokenEncryptionKey: first.tokenEncryptionKey });
        const again = loadConfig({ SECRETS_FILE: file });
        expect([again.jwtSecret, again.tokenEncryptionKey]).toEqual([first.jwtSecret, first.tokenEncryptionKey]);
        // Another checkout (another file) gets other secrets: nothing is shared through the code.
        const other = loadConfig({ SECRETS_FILE: join(dir, 'other.json') });
        expect(other.jwtSecret).not.toBe(first.jwtSecret);
        // Set variables win over the file.
        expect(loadConfig({ SECRETS_FILE: file, JWT_SECRET: 'x'.repeat(40) }).jwtSecret).toBe('x'.repeat(40));
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
    it('requires both secrets in production and never writes a file there', () => {
      expect(problemsOf({ ...PRODUCTION, TOKEN_ENCRYPTION_KEY: undefined })).toEqual([expect.stringMatching(/^TOKEN_ENCRYPTION_KEY: /)]);
    });
    it('has no secret constant in the source', async () => {
      const source = await readFile(new URL('../../src/config.ts', import.meta.url), 'utf8');
      expect(source).not.toMatch(/dev-only|change-me/i);
    });
  });
});
