import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import appPlugin from '../../src/app.ts';
import { ROLES, type Role } from '../../db/schema/users.ts';
import { canDo, describeAccess, type Action, type Principal, type Resource } from '../../src/services/accounts/access.ts';
import { buildTestApp, testConfig } from '../support/app.ts';
import { makePickupPoint, makeSeller, makeUser, type TestUser } from '../support/fixtures.ts';
import { bearer } from '../support/http.ts';

type Parameter = { in: string; name: string; required?: boolean; schema?: { default?: unknown } };
type Operation = {
  operationId?: string;
  tags?: string[];
  description?: string;
  security?: Record<string, string[]>[];
  parameters?: Parameter[];
  requestBody?: { content: Record<string, unknown> };
  responses?: Record<string, { content?: Record<string, unknown> }>;
};
type OpenApi = {
  servers?: { url: string }[];
  tags: { name: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, { type: string; scheme: string }> };
};

/** The published contract (/openapi.json) covers every /v1 route, and its security matches what the server enforces. */
describe('OpenAPI document', () => {
  let app: FastifyInstance;
  let doc: OpenApi;
  const routes: { method: string; url: string }[] = [];

  beforeAll(async () => {
    app = await buildTestApp();
    doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    // The route list comes from the app itself, not from a list kept in this test: register the same
    // app plugin on a bare instance with an onRoute hook, the way the server registers it.
    const probe = Fastify({ logger: false });
    probe.addHook('onRoute', (r) => {
      for (const method of [r.method].flat()) if (method !== 'HEAD' && r.url.startsWith('/v1/')) routes.push({ method, url: r.url });
    });
    await probe.register(fp(appPlugin), { config: testConfig() });
    await probe.ready();
    await probe.close();
  });
  afterAll(async () => {
    await app.close();
  });

  /** A roles line without its parenthesised scopes, which contain `;` themselves. */
  const withoutScopes = (line: string) => line.replace(/ \([^)]*\)/g, '');
  const toOpenApiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}');
  const isPublic = (op: Operation) => /^\*\*Roles:\*\* (public|anyone)\b/.test(op.description ?? '');
  /** Called by Postmart and authenticated by its X-PM-Signature rather than by an account. */
  const isPostmartSigned = (op: Operation) => JSON.stringify(op.security) === JSON.stringify([{ postmartSignature: [] }]);

  it('found the API’s routes (guards the checks below)', () => {
    expect(routes.length).toBeGreaterThanOrEqual(15);
    expect(routes).toContainEqual({ method: 'POST', url: '/v1/products/import' });
  });

  it('documents every /v1 route with at least one declared tag', () => {
    const declared = new Set(doc.tags.map((t) => t.name));
    for (const { method, url } of routes) {
      const op = doc.paths[toOpenApiPath(url)]?.[method.toLowerCase()];
      expect(op, `${method} ${url}`).toBeDefined();
      expect(op!.tags?.length, `${method} ${url}`).toBeGreaterThan(0);
      for (const tag of op!.tags!) expect(declared.has(tag), `${method} ${url} tag ${tag}`).toBe(true);
    }
  });

  it('states in every /v1 route’s description which roles may call it', () => {
    for (const { method, url } of routes) {
      const op = doc.paths[toOpenApiPath(url)]![method.toLowerCase()]!;
      expect(op.description, `${method} ${url}`).toMatch(/^\*\*Roles:\*\* \S/);
    }
  });

  it('declares bearer security on every route that is not public, with 401 among its responses', () => {
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const { method, url } of routes) {
      const op = doc.paths[toOpenApiPath(url)]![method.toLowerCase()]!;
      if (isPublic(op) || isPostmartSigned(op)) continue;
      expect(op.security, `${method} ${url}`).toEqual([{ bearerAuth: [] }]);
      expect(Object.keys(op.responses ?? {}), `${method} ${url}`).toContain('401');
    }
  });

  it('matches what the server enforces: documented-secured routes answer 401 without a token, public ones do not', async () => {
    for (const { method, url } of routes) {
      const op = doc.paths[toOpenApiPath(url)]![method.toLowerCase()]!;
      const res = await app.inject({ method: method as 'GET', url: url.replace(/:\w+/g, randomUUID()), payload: method === 'GET' ? undefined : {} });
      if (isPublic(op)) expect(res.statusCode, `${method} ${url}`).not.toBe(401);
      // Without partner credentials a signature cannot even be checked (503); either way nothing is accepted.
      else if (isPostmartSigned(op)) expect([401, 503], `${method} ${url}`).toContain(res.statusCode);
      else expect(res.statusCode, `${method} ${url}`).toBe(401);
    }
  });

  it('names the roles for the catalog routes, including the 404/403 split', () => {
    const list = doc.paths['/v1/products']!.get!;
    expect(list.description).toContain('provincial_staff');
    expect(list.description).toContain('seller_manager');
    const change = doc.paths['/v1/products/{id}']!.patch!;
    expect(change.description).toContain('provincial_staff gets 403');
    expect(change.description).toContain('If-Match');
  });

  it('names every operation with a unique operationId, and says where the API is served', () => {
    const ids = Object.values(doc.paths).flatMap((item) => Object.values(item).map((op) => op.operationId));
    expect(ids.every((id) => typeof id === 'string' && /^[a-z][A-Za-z]+$/.test(id)), ids.join(' ')).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(doc.servers).toEqual([expect.objectContaining({ url: testConfig().publicUrl })]);
  });

  it('declares public routes with `security: []`', () => {
    for (const path of ['/v1/communes', '/v1/communes/{code}', '/v1/postmart/oauth/callback', '/health']) expect(doc.paths[path]!.get!.security, path).toEqual([]);
    expect(doc.paths['/v1/auth/login']!.post!.security).toEqual([]);
  });

  it('leaves optional every parameter the server fills in with a default', () => {
    const defaulted = Object.values(doc.paths).flatMap((item) => Object.values(item).flatMap((op) => (op.parameters ?? []).filter((p) => p.schema?.default !== undefined)));
    expect(defaulted.map((p) => p.name)).toContain('limit');
    for (const p of defaulted) expect(p.required, p.name).not.toBe(true);
  });

  it('documents the CSV reports and CSV imports as text/csv', () => {
    for (const path of ['/v1/reports/sales', '/v1/reports/overview'])
      expect(Object.keys(doc.paths[path]!.get!.responses!['200']!.content!).sort(), path).toEqual(['application/json', 'text/csv']);
    for (const path of ['/v1/products/import', '/v1/pickup-points/import']) expect(Object.keys(doc.paths[path]!.post!.requestBody!.content), path).toEqual(['text/csv']);
  });

  it('generates each roles line from the access rules: it names exactly the roles the rules allow', () => {
    const resources: Resource[] = ['seller', 'product', 'order', 'user', 'pickup_point', 'pickup_parcels', 'system', 'report', 'consignment', 'counter_sale', 'settlement', 'farm_pickup', 'postmart_shop'];
    const actions: Action[] = ['list', 'read', 'create', 'update', 'operate'];
    const as = (role: Role): Principal => ({ id: randomUUID(), role, name: role, sellerId: randomUUID(), pickupPointId: randomUUID() });
    for (const resource of resources)
      for (const action of actions) {
        const named = withoutScopes(describeAccess(resource, action)).split('; ')[0]!.split(', ');
        expect(named, `${resource} ${action}`).toEqual(ROLES.filter((r) => canDo(as(r), resource, action)));
      }
    expect(doc.paths['/v1/products/{id}']!.patch!.description).toContain(`**Roles:** ${describeAccess('product', 'update')}`);
  });

  it('tells the truth about collection routes: the roles it refuses get 403, the roles it names do not', async () => {
    const seller = await makeSeller(app);
    const point = await makePickupPoint(app);
    const users: Record<Role, TestUser> = {
      admin: await makeUser(app, 'admin'),
      provincial_staff: await makeUser(app, 'provincial_staff'),
      seller_manager: await makeUser(app, 'seller_manager', { sellerId: seller.id }),
      post_office_clerk: await makeUser(app, 'post_office_clerk', { pickupPointId: point }),
    };
    // GET routes without path parameters need no object to exist, so every role's answer is the rule's.
    const checked = routes.filter((r) => r.method === 'GET' && !r.url.includes(':') && doc.paths[r.url]!.get!.security?.[0]?.bearerAuth);
    expect(checked.length).toBeGreaterThanOrEqual(6);
    for (const { url } of checked) {
      const line = /^\*\*Roles:\*\* ([^\n]*)/.exec(doc.paths[url]!.get!.description!)![1]!;
      const [allowedPart, ...refusals] = withoutScopes(line).split('; ');
      const refused = refusals.filter((r) => / 403$/.test(r)).flatMap((r) => r.replace(/ gets? 403$/, '').split(', '));
      for (const role of ROLES) {
        const res = await app.inject({ method: 'GET', url, headers: bearer(users[role]) });
        if (refused.includes(role)) expect(res.statusCode, `${role} GET ${url}`).toBe(403);
        else {
          if (allowedPart !== 'any logged-in user') expect(allowedPart!.split(', '), `${role} GET ${url}`).toContain(role);
          expect(res.statusCode, `${role} GET ${url}: ${res.body}`).toBe(200);
        }
      }
    }
  });

  it('checks a route’s declared access before its handler where the role alone decides', async () => {
    // POST /v1/pickup-points/sync has no check of its own: its declaration (pickup_point, create) is the check.
    const sync = doc.paths['/v1/pickup-points/sync']!.post! as Operation & { 'x-access'?: unknown };
    expect(sync['x-access']).toEqual({ resource: 'pickup_point', action: 'create' });
    const point = await makePickupPoint(app);
    for (const [role, scope] of [['provincial_staff', {}], ['post_office_clerk', { pickupPointId: point }]] as const) {
      const res = await app.inject({ method: 'POST', url: '/v1/pickup-points/sync', headers: bearer(await makeUser(app, role, scope)) });
      expect(res.statusCode, role).toBe(403);
      expect(res.json().error.code).toBe('FORBIDDEN');
    }
  });

  it('keeps the documentation routes themselves out of the document', () => {
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/docs') || p === '/openapi.json')).toEqual([]);
  });
});
