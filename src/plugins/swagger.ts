import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fp from 'fastify-plugin';

type Parameter = { in: string; required?: boolean; schema?: { default?: unknown } };
type Document = { paths?: Record<string, Record<string, { parameters?: Parameter[] }>> };

/**
 * A query or header parameter with a default is optional for the caller: the server fills it in
 * (ajv useDefaults). Route schemas keep such fields non-optional so handlers see them filled in,
 * which @fastify/swagger would otherwise publish as `required: true`.
 */
function defaultsAreOptional<T extends Document>(doc: T): T {
  for (const item of Object.values(doc.paths ?? {}))
    for (const op of Object.values(item))
      for (const param of op.parameters ?? []) if (param.in !== 'path' && param.schema?.default !== undefined) param.required = false;
  return doc;
}

/** OpenAPI 3 generated from the route schemas: /openapi.json for machines, /docs for people. */
export default fp(
  async (app) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Đồng Tháp Postmart Connector',
          version: '0.1.0',
          description:
            'Catalog, accounts and Postmart sync for Đồng Tháp produce. Errors are `{error: {code, message, field?}}` with ' +
            'messages in Vietnamese (send `Accept-Language: en` for English). Money is integer VND; instants are ISO 8601 in ' +
            'Asia/Ho_Chi_Minh (+07:00). A forbidden object answers 404; a forbidden action on a visible object answers 403. ' +
            "Each operation's **Roles:** line is generated from the access rules the services enforce.",
        },
        // Paths carry their /v1 prefix, so the server is the origin users reach the API at.
        servers: [{ url: app.config.publicUrl, description: 'This connector (PUBLIC_URL)' }],
        components: {
          securitySchemes: {
            bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
            postmartSignature: {
              type: 'apiKey',
              in: 'header',
              name: 'X-PM-Signature',
              description: 'hex(HMAC-SHA256(partner_key, callback_url|X-PM-Timestamp|raw_body)), timestamp within ±300 s (docs/postmart-api.md#webhooks)',
            },
          },
        },
        tags: [
          { name: 'auth', description: 'Log in, who am I' },
          { name: 'users', description: 'Accounts and roles (admin)' },
          { name: 'sellers', description: 'Cooperatives, households and enterprises' },
          { name: 'products', description: "The farmers' catalog, stock ledger and CSV import" },
          { name: 'communes', description: 'Reference data: the 102 communes of Đồng Tháp after the 2025 reform' },
          { name: 'postmart', description: "Connecting a seller's Postmart shop" },
          { name: 'listings', description: 'Postmart listing state per product' },
          { name: 'orders', description: 'Postmart orders: status, lines, recipient, history' },
          { name: 'pickup-points', description: 'Post offices as fulfillment locations: registry, distance search, capacity, the clerk’s counter' },
          { name: 'authorizations', description: 'Authorizations (ủy quyền): a seller lets the clerks of one post office act for them' },
          { name: 'outlets', description: 'Post offices as outlets: consigned stock, counter sales, settlement, pickups at the farm' },
          { name: 'reports', description: 'Sales and programme reports for the province (JSON or CSV)' },
          { name: 'admin', description: 'Operations: reconcile' },
          { name: 'ops', description: 'Health and readiness' },
        ],
      },
      transformObject: (doc) => ('openapiObject' in doc ? defaultsAreOptional(doc.openapiObject as Document) : doc.swaggerObject),
      refResolver: { buildLocalReference: (json, _base, _frag, i) => String(json.$id ?? `def-${i}`) },
    });
    await app.register(swaggerUi, { routePrefix: '/docs' });
    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  },
  { name: 'swagger', dependencies: ['infra'] },
);
