import fp from 'fastify-plugin';
import { AppError } from '../errors.ts';
import { createPostmart, type Postmart } from '../postmart/index.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The Postmart client, or a 503 while no partner credentials exist (sandbox not seeded, env unset). */
    postmart: () => Promise<Postmart>;
  }
}

export default fp(
  async (app) => {
    let current: Promise<Postmart | null> | null = null;
    app.decorate('postmart', async () => {
      current ??= createPostmart({ config: app.config, db: app.db, redis: app.redis, log: app.log as never });
      const pm = await current;
      if (!pm) {
        current = null; // try again next time: the start-up seed may not have finished
        throw new AppError('UNAVAILABLE', { detail: { vi: 'chưa cấu hình kết nối Postmart', en: 'Postmart partner credentials are not configured' } });
      }
      return pm;
    });
    app.addHook('onClose', async () => {
      const pm = await current?.catch(() => null);
      await pm?.close();
    });
  },
  { name: 'postmart', dependencies: ['infra'] },
);
