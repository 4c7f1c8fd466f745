import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { notFound } from '../../errors.ts';
import { errorResponses } from '../../schemas/common.ts';
import { MediaParams } from '../../schemas/product-images.ts';
import { publicRoute } from '../docs.ts';

/**
 * Public photo URLs (`/media/<sha256>.jpg`, thumbnail `<sha256>_320.jpg`): Postmart and buyers'
 * browsers fetch them without a token. A name is a hash of its bytes, so they are cached for a year.
 */
const media: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/media/:file',
    {
      schema: {
        tags: ['products'],
        operationId: 'getMedia',
        summary: 'A product photo (public, immutable)',
        ...publicRoute('Postmart and buyers load these URLs; a name is the SHA-256 of its bytes.'),
        params: MediaParams,
        produces: ['image/jpeg'],
        response: { 200: Type.Unsafe({ type: 'string', format: 'binary' }), ...errorResponses(400, 404) },
      },
    },
    async (req, reply) => {
      const object = await app.media.get(req.params.file);
      if (!object) throw notFound('image');
      return reply
        .header('content-type', object.contentType)
        .header('cache-control', 'public, max-age=31536000, immutable')
        .header('etag', `"${req.params.file.slice(0, -4)}"`)
        .header('x-content-type-options', 'nosniff')
        .send(object.body);
    },
  );
};
export default media;
