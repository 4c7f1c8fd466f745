import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { errorResponses, IdParams } from '../../schemas/common.ts';
import { AuthorizationView } from '../../schemas/counter.ts';
import { authorizeScanChange, getAuthorizationScan, putAuthorizationScan, type ScanDeps } from '../../services/accounts/authorization-scan.ts';
import { MAX_IMAGE_BYTES } from '../../services/media/image-processing.ts';
import { actorOf, secured } from '../docs.ts';
import { readFiles } from '../uploads.ts';

/** The scan of a signed authorization paper: attached like a product photo, read only with a token. */
const authorizationScanRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // Encapsulated: multipart bodies for this route only. Two files are let through so the second is refused by name.
  await app.register(multipart, { limits: { fileSize: MAX_IMAGE_BYTES, files: 2, fields: 5, fieldSize: 1024, parts: 7 } });
  const deps = (): ScanDeps => ({ db: app.db, media: app.media });

  app.put(
    '/v1/authorizations/:id/scan',
    {
      schema: {
        tags: ['authorizations'],
        operationId: 'putAuthorizationScan',
        summary: 'Attach the scan of the signed paper (multipart/form-data)',
        ...secured(
          'authorization',
          'update',
          'One file part (e.g. `file`): a JPEG, PNG or WebP photo of the signed paper, at most 15 MB, checked and processed as product photos are ' +
            '(the bytes must match the declared type; turned upright; EXIF and GPS removed; 1280 px JPEG). It replaces any earlier scan. ' +
            'The file is not public: `scanUrl` is read with a token by those who may read the authorization. Answers the authorization.',
        ),
        params: IdParams,
        consumes: ['multipart/form-data'],
        response: { 200: AuthorizationView, ...errorResponses(400, 401, 403, 404, 413, 415) },
      },
    },
    async (req) => {
      // Refuse a stranger before reading their upload.
      await authorizeScanChange(app.db, req.principal, req.params.id);
      return putAuthorizationScan(deps(), req.principal, actorOf(req), req.params.id, await readFiles(req, 1));
    },
  );

  app.get(
    '/v1/authorizations/:id/scan',
    {
      schema: {
        tags: ['authorizations'],
        operationId: 'getAuthorizationScan',
        summary: 'The scan of the signed paper (JPEG)',
        ...secured('authorization', 'read', 'The paper shows an ID number and a signature: never cached by a shared cache. 404 when no scan is attached.'),
        params: IdParams,
        produces: ['image/jpeg'],
        response: { 200: Type.Unsafe({ type: 'string', format: 'binary' }), ...errorResponses(400, 401, 404) },
      },
    },
    async (req, reply) => {
      const scan = await getAuthorizationScan(deps(), req.principal, req.params.id);
      return reply
        .header('content-type', 'image/jpeg')
        .header('cache-control', 'private, no-store')
        .header('x-content-type-options', 'nosniff')
        .send(scan.body);
    },
  );
};
export default authorizationScanRoutes;
