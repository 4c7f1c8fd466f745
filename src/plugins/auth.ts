import fastifyJwt from '@fastify/jwt';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../errors.ts';
import { UUID_PATTERN } from '../lib/ids.ts';
import { createRedis } from '../redis.ts';
import { authorizeAction, decidedByRole, type DeclaredAccess, type Principal } from '../services/accounts/access.ts';
import { withMandates } from '../services/accounts/on-behalf.ts';
import { findUser, toPrincipal, type UserRow } from '../services/accounts/users.ts';

/** Who a token is for: the API, or only the queue board's session cookie (src/plugins/queue-dashboard.ts). */
export const AUDIENCE = { api: 'dtpc-api', queueBoard: 'dtpc-queue-board' } as const;
export type Audience = (typeof AUDIENCE)[keyof typeof AUDIENCE];
type Claims = { sub: string; role: string; ver: number; aud: Audience };

declare module 'fastify' {
  interface FastifyInstance {
    /** onRequest hook: verifies the bearer token and loads the principal; route plugins add it. */
    authenticate: (req: FastifyRequest) => Promise<void>;
    /** The principal behind a raw token for one audience (the queue board's cookie is not an API token). */
    verifyToken: (token: string, audience?: Audience) => Promise<Principal>;
    /** A token for the account, for the API unless another audience and a shorter life are given. */
    signToken: (user: Pick<UserRow, 'id' | 'role' | 'tokenVersion'>, opts?: { audience?: Audience; expiresInSeconds?: number }) => Promise<string>;
    /** Drops a user from every API process's principal cache after their account changed. */
    forgetPrincipal: (userId: string) => void;
  }
  interface FastifyRequest {
    principal: Principal;
  }
}
declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: Claims;
    user: Claims & { iat: number; exp: number };
  }
}

// The account behind a token is re-read at most this often per process; a change made through the
// API is also announced to every process over Redis (below), so this is only the fallback when
// Redis is unreachable.
const PRINCIPAL_TTL_MS = 5_000;
/** A token issued this far in the future is forged or from a badly wrong clock: refused. */
const CLOCK_SKEW_SECONDS = 60;
const ACCOUNT_ID = new RegExp(UUID_PATTERN);
// Every claim our tokens carry; a token without one (no exp: never expiring) was not issued by us.
const REQUIRED_CLAIMS = ['sub', 'role', 'ver', 'aud', 'iat', 'exp'];

type Entry = { principal: Principal | null; version: number; at: number };

export default fp(
  async (app) => {
    await app.register(fastifyJwt, {
      secret: app.config.jwtSecret,
      sign: { algorithm: 'HS256', expiresIn: app.config.jwtTtlSeconds },
      verify: { algorithms: ['HS256'], requiredClaims: REQUIRED_CLAIMS, allowedAud: AUDIENCE.api },
    });
    const cache = new Map<string, Entry>();

    // Account changes on any replica reach this one's cache at once.
    const channel = `${app.config.queuePrefix}:principal-changed`;
    const subscriber = createRedis(app.config.redisUrl, 'worker');
    subscriber.on('error', (err) => app.log.warn({ err: err.message }, 'principal-change subscriber: redis error'));
    subscriber.on('message', (_channel, id: string) => void cache.delete(id));
    subscriber.subscribe(channel).catch((err: Error) => app.log.warn({ err: err.message }, 'principal-change subscriber: could not subscribe'));
    app.addHook('onClose', async () => {
      // disconnect, not quit: quit waits for a Redis that may be unreachable, and a subscriber has nothing to flush.
      subscriber.disconnect();
    });

    app.decorateRequest('principal', null as unknown as Principal);
    app.decorate('signToken', async (user: Pick<UserRow, 'id' | 'role' | 'tokenVersion'>, opts: { audience?: Audience; expiresInSeconds?: number } = {}) =>
      app.jwt.sign(
        { sub: user.id, role: user.role, ver: user.tokenVersion, aud: opts.audience ?? AUDIENCE.api },
        // Always explicit: options given to sign() replace the registered defaults, expiry included.
        { expiresIn: opts.expiresInSeconds ?? app.config.jwtTtlSeconds },
      ),
    );
    app.decorate('forgetPrincipal', (id: string) => {
      cache.delete(id);
      app.redis.publish(channel, id).catch((err: Error) => app.log.warn({ err: err.message }, 'could not announce an account change; other processes notice within 5 s'));
    });

    const load = async (id: string): Promise<Entry> => {
      const user = await findUser(app.db, id);
      const entry = { principal: user && !user.disabled ? toPrincipal(user) : null, version: user?.tokenVersion ?? -1, at: Date.now() };
      if (cache.size > 10_000) cache.clear();
      cache.set(id, entry);
      return entry;
    };
    const principalOf = async (claims: Partial<Claims> & { iat?: unknown }): Promise<Principal> => {
      // A token signed with our secret but not naming an account id (another issuer sharing the
      // secret, an older token format) is unauthenticated, not a database error.
      const id = claims.sub;
      if (typeof id !== 'string' || !ACCOUNT_ID.test(id) || typeof claims.ver !== 'number') throw new AppError('UNAUTHENTICATED');
      if (typeof claims.iat !== 'number' || claims.iat > Date.now() / 1000 + CLOCK_SKEW_SECONDS) throw new AppError('UNAUTHENTICATED');
      let entry = cache.get(id);
      // A newer version than cached: the account changed and this token came after; read it again.
      if (!entry || Date.now() - entry.at > PRINCIPAL_TTL_MS || claims.ver > entry.version) entry = await load(id);
      if (!entry.principal) throw new AppError('UNAUTHENTICATED');
      // Issued before a password, role or scope change, or before the account was disabled.
      if (claims.ver !== entry.version) throw new AppError('TOKEN_EXPIRED');
      return entry.principal;
    };
    app.decorate('authenticate', async (req: FastifyRequest) => {
      try {
        await req.jwtVerify();
      } catch (err) {
        const code = (err as { code?: string }).code;
        throw new AppError(code === 'FST_JWT_AUTHORIZATION_TOKEN_EXPIRED' ? 'TOKEN_EXPIRED' : 'UNAUTHENTICATED');
      }
      const principal = await principalOf(req.user);
      // A clerk's office's live authorizations are read on every request, never cached with the
      // principal: an expired or revoked one stops counting at once, on every replica.
      req.principal = await withMandates(app.db, principal);
    });
    // The access a route declares in its schema (secured() in src/routes/docs.ts) is checked here
    // when the rules decide by role alone, after validation as before. Object actions are left to the
    // service, which must load the object first so that an invisible one answers 404, not 403.
    app.addHook('preHandler', async (req) => {
      const declared = (req.routeOptions.schema as { 'x-access'?: DeclaredAccess } | undefined)?.['x-access'];
      if (!declared || !decidedByRole(declared.resource, declared.action)) return;
      // Fail closed: a route that declares access but never authenticated is a bug, not a public route.
      if (!req.principal) throw new AppError('UNAUTHENTICATED');
      authorizeAction(req.principal, declared.resource, declared.action);
    });
    app.decorate('verifyToken', async (token: string, audience: Audience = AUDIENCE.api) => {
      let claims: Claims & { iat: number };
      try {
        // The same secret, algorithm and required claims as authenticate; only the audience differs.
        claims = app.jwt.verify(token, { allowedAud: audience });
      } catch (err) {
        throw new AppError((err as { code?: string }).code === 'FAST_JWT_EXPIRED' ? 'TOKEN_EXPIRED' : 'UNAUTHENTICATED');
      }
      return principalOf(claims);
    });
  },
  { name: 'auth', dependencies: ['infra'] },
);
