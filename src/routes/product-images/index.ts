import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses, IdParams } from '../../schemas/common.ts';
import { ImageOrder, ProductImageList, ProductImageParams } from '../../schemas/product-images.ts';
import {
  addProductImages,
  authorizeImageChange,
  deleteProductImage,
  listProductImages,
  MAX_IMAGES,
  reorderProductImages,
  type MediaDeps,
} from '../../services/catalog/product-images.ts';
import { MAX_IMAGE_BYTES } from '../../services/media/image-processing.ts';
import { readFiles } from '../uploads.ts';
import { actorOf, secured } from '../docs.ts';

const productImages: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.authenticate);
  // Registered in this plugin only (and the authorization scan's): no other API route accepts multipart bodies.
  await app.register(multipart, { limits: { fileSize: MAX_IMAGE_BYTES, files: MAX_IMAGES, fields: 10, fieldSize: 1024, parts: MAX_IMAGES + 10 } });
  const deps = (): MediaDeps => ({ db: app.db, media: app.media, publicUrl: app.config.publicUrl });

  app.get(
    '/v1/products/:id/images',
    {
      schema: {
        tags: ['products'],
        operationId: 'listProductImages',
        summary: "The product's photos, cover first",
        ...secured('product', 'read'),
        params: IdParams,
        response: { 200: ProductImageList, ...errorResponses(400, 401, 404) },
      },
    },
    async (req) => ({ items: await listProductImages(deps(), req.principal, req.params.id) }),
  );

  app.post(
    '/v1/products/:id/images',
    {
      schema: {
        tags: ['products'],
        operationId: 'uploadProductImages',
        summary: 'Upload photos (multipart/form-data)',
        ...secured(
          'product',
          'update',
          `One or more file parts (any field name, e.g. \`file\`), each a JPEG, PNG or WebP of at most 15 MB; at most ${MAX_IMAGES} photos per product. ` +
            'The bytes must match the declared type. Photos are turned upright, stripped of all metadata (EXIF, GPS), resized to 1280 px ' +
            "and 320 px JPEGs and appended to the product's `images`; the same photo twice is kept once. Answers the whole list.",
        ),
        params: IdParams,
        consumes: ['multipart/form-data'],
        response: { 201: ProductImageList, ...errorResponses(400, 401, 403, 404, 409, 413, 415) },
      },
    },
    async (req, reply) => {
      // Refuse a stranger before reading 150 MB of their upload.
      await authorizeImageChange(app.db, req.principal, req.params.id);
      const files = await readFiles(req, MAX_IMAGES);
      return reply.status(201).send({ items: await addProductImages(deps(), req.principal, actorOf(req), req.params.id, files) });
    },
  );

  app.delete(
    '/v1/products/:id/images/:imageId',
    {
      schema: {
        tags: ['products'],
        operationId: 'deleteProductImage',
        summary: 'Remove a photo',
        ...secured('product', 'update', 'Answers the remaining photos, in order.'),
        params: ProductImageParams,
        response: { 200: ProductImageList, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req) => ({ items: await deleteProductImage(deps(), req.principal, actorOf(req), req.params.id, req.params.imageId) }),
  );

  app.put(
    '/v1/products/:id/images/order',
    {
      schema: {
        tags: ['products'],
        operationId: 'reorderProductImages',
        summary: 'Reorder the photos (the first is the cover)',
        ...secured('product', 'update', '`imageIds` lists every photo of the product exactly once.'),
        params: IdParams,
        body: ImageOrder,
        response: { 200: ProductImageList, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req) => ({ items: await reorderProductImages(deps(), req.principal, actorOf(req), req.params.id, req.body.imageIds) }),
  );
};
export default productImages;
