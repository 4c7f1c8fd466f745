import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { notFound } from '../../errors.ts';
import { errorResponses, WardCode } from '../../schemas/common.ts';
import { CommuneQuery, LegacyCommune } from '../../schemas/communes.ts';
import { getCommune, resolveLegacyCommune, searchCommunes } from '../../services/reference/communes.ts';
import { publicRoute } from '../docs.ts';

/** Public reference data: no login needed, so address forms can use it before an account exists. */
const communes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/v1/communes',
    {
      schema: {
        tags: ['communes'],
        summary: 'Search the 102 communes of Đồng Tháp',
        operationId: 'searchCommunes',
        ...publicRoute('`q` ignores case and diacritics (`hoa loc` finds `Hòa Lộc`; `d` matches `đ`).'),
        querystring: CommuneQuery,
        response: { 200: Type.Object({ items: Type.Array(Type.Ref('Commune')) }), ...errorResponses(400) },
      },
    },
    async (req) => ({ items: await searchCommunes(app.db, req.query.q, req.query.type, req.query.limit) }),
  );

  app.get(
    '/v1/communes/:code',
    {
      schema: {
        tags: ['communes'],
        summary: 'One commune by its GSO code',
        operationId: 'getCommune',
        ...publicRoute(),
        params: Type.Object({ code: WardCode }),
        response: { 200: Type.Ref('Commune'), ...errorResponses(400, 404) },
      },
    },
    async (req) => {
      const row = await getCommune(app.db, req.params.code);
      if (!row) throw notFound('commune');
      return row;
    },
  );

  app.get(
    '/v1/communes/legacy/:oldCode',
    {
      schema: {
        tags: ['communes'],
        summary: 'Which new commune a pre-2025 commune became',
        operationId: 'resolveLegacyCommune',
        ...publicRoute('A `partial` merge was split, so more than one commune may answer.'),
        params: Type.Object({ oldCode: WardCode }),
        response: { 200: Type.Object({ items: Type.Array(LegacyCommune) }), ...errorResponses(400, 404) },
      },
    },
    async (req) => {
      const items = await resolveLegacyCommune(app.db, req.params.oldCode);
      if (items.length === 0) throw notFound('commune');
      return { items };
    },
  );
};
export default communes;
