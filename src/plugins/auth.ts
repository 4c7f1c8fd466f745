import fastifyJwt from '@fastify/jwt';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../errors.ts';
import { UUID_PATTERN } from '../lib/ids.ts';
import { authorizeAction, decidedByRole, type DeclaredAccess, type Principal } from '../services/accounts/access.ts';
import { liveMandates } from '../services/accounts/on-behalf.ts';
import { findUser, toPrincipal, type UserRow } from '../services/accounts/users.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** onRequest hook: verifies the bearer token and loads the principal; route plugins add it. */
    authenticate: (req: FastifyRequest) => Promise<void>;
    /** The principal behind a raw token that did not come in the Authorization header (the queue dashboard's cookie). */
    verifyToken: (token: string) => Promise<Principal>;
    signToken: (user: UserRow) => Promise<string>;
    /** Drops a user from this process's principal cache after their account changed. */
    forgetPrincipal: (userId: string) => void;
  }
  interface FastifyRequest {
    principal: Principal;
  }
}
declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: { sub: string; role: string };
    user: { sub: string; role: string; iat: number; exp: number };
  }
}

// The account behind a token is re-read at most this often per process, so a disabled account or a
// changed role takes effect within seconds on every replica without a database read per request.
const PRINCIPAL_TTL_MS = 5_000;
const ACCOUNT_ID = new RegExp(UUID_PATTERN);

export default fp(
  async (app) => {
    await app.register(fastifyJwt, {
      secret: app.config.jwtSecret,
      sign: { algorithm: 'HS256', expiresIn: app.config.jwtTtlSeconds },
      verify: { algorithms: ['HS256'] },
    });
    const cache = new Map<string, { principal: Principal | null; at: number }>();

    app.decorateRequest('principal', null as unknown as Principal);
    app.decorate('signToken', async (user: UserRow) => app.jwt.sign({ sub: user.id, role: user.role }));
    app.decorate('forgetPrincipal', (id: string) => void cache.delete(id));
    const principalOf = async (id: unknown): Promise<Principal> => {
      // A token signed with our secret but not naming an account id (another issuer sharing the
      // secret, an older token format) is unauthenticated, not a database error.
      if (typeof id !== 'string' || !ACCOUNT_ID.test(id)) throw new AppError('UNAUTHENTICATED');
      let entry = cache.get(id);
      if (!entry || Date.now() - entry.at > PRINCIPAL_TTL_MS) {
        const user = await findUser(app.db, id);
        entry = { principal: user && !user.disabled ? toPrincipal(user) : null, at: Date.now() };
        if (cache.size > 10_000) cache.clear();
        cache.set(id, entry);
      }
      if (!entry.principal) throw new AppError('UNAUTHENTICATED');
      return entry.principal;
    };
    app.decorate('authenticate', async (req: FastifyRequest) => {
      try {
        await req.jwtVerify();
      } catch (err) {
        const code = (err as { code?: string }).code;
        throw new AppError(code === 'FST_JWT_AUTHORIZATION_TOKEN_EXPIRED' ? 'TOKEN_EXPIRED' : 'UNAUTHENTICATED');
      }
      const principal = await principalOf(req.user.sub);
      // A clerk's office's live authorizations are read on every request, never cached with the
      // principal: an expired or revoked one stops counting at once, on every replica.
      req.principal = principal.role === 'post_office_clerk' && principal.pickupPointId ? { ...principal, mandates: await liveMandates(app.db, principal.pickupPointId) } : principal;
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
    app.decorate('verifyToken', async (token: string) => {
      let claims: { sub?: unknown };
      try {
        claims = app.jwt.verify(token); // the same secret and algorithm as authenticate
      } catch (err) {
        throw new AppError((err as { code?: string }).code === 'FAST_JWT_EXPIRED' ? 'TOKEN_EXPIRED' : 'UNAUTHENTICATED');
      }
      return principalOf(claims.sub);
    });
  },
  { name: 'auth', dependencies: ['infra'] },
);
