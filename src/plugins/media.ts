import fp from 'fastify-plugin';
import { createMediaStorage } from '../services/media/create-storage.ts';
import type { MediaStorage } from '../services/media/storage.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Where uploaded photos are kept (MEDIA_DRIVER): local disk or an S3-compatible bucket. */
    media: MediaStorage;
  }
}

export default fp(
  async (app) => {
    const media = createMediaStorage(app.config.media);
    app.decorate('media', media);
    app.addHook('onClose', async () => media.close());
  },
  { name: 'media', dependencies: ['infra'] },
);
