import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';

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
});
