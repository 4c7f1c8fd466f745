import fp from 'fastify-plugin';
import { AppError } from '../errors.ts';
import { createPostmart, type Postmart } from '../postmart/index.ts';
import { lazyPostmart } from '../postmart/lazy.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The Postmart client, or a 503 while no partner credentials exist (sandbox not seeded, env unset). */
    postmart: () => Promise<Postmart>;
  }
}

export default fp(
  async (app) => {
    const postmart = lazyPostmart(
      () => createPostmart({ config: app.config, db: app.db, redis: app.redis, log: app.log as never }),
      () => new AppError('UNAVAILABLE', { detail: { vi: 'chưa cấu hình kết nối Postmart', en: 'Postmart partner credentials are not configured' } }),
    );
    app.decorate('postmart', postmart.get);
    app.addHook('onClose', postmart.close);
  },
  { name: 'postmart', dependencies: ['infra'] },
);
