import type { FastifyInstance } from 'fastify';
import type { Config } from './config.ts';
import { AppError, invalid } from './errors.ts';
import { deepNfc, findNulPath, MAX_JSON_DEPTH, nestsDeeperThan } from './lib/text.ts';
import auth from './plugins/auth.ts';
import errors from './plugins/errors.ts';
import infra from './plugins/infra.ts';
import media from './plugins/media.ts';
import limits from './plugins/limits.ts';
import protection from './plugins/protection.ts';
import metrics from './plugins/metrics.ts';
import postmart from './plugins/postmart.ts';
import queueDashboard from './plugins/queue-dashboard.ts';
import queues from './plugins/queues.ts';
import swagger from './plugins/swagger.ts';
import adminRoutes from './routes/admin/index.ts';
import sellerApp from './routes/app/index.ts';
import counterApp from './routes/counter-app/index.ts';
import authRoutes from './routes/auth/index.ts';
import authorizationRoutes from './routes/authorizations/index.ts';
import counterRoutes from './routes/counter/index.ts';
import productHistoryRoutes from './routes/product-history/index.ts';
import communeRoutes from './routes/communes/index.ts';
import consignmentRoutes from './routes/consignments/index.ts';
import counterSaleRoutes from './routes/counter-sales/index.ts';
import dashboardRoutes from './routes/dashboard/index.ts';
import farmPickupRoutes from './routes/farm-pickups/index.ts';
import healthRoutes from './routes/health/index.ts';
import mediaRoutes from './routes/media/index.ts';
import productImageRoutes from './routes/product-images/index.ts';
import labelRoutes from './routes/labels/index.ts';
import listingRoutes from './routes/listings/index.ts';
import orderRoutes from './routes/orders/index.ts';
import pickupPointRoutes from './routes/pickup-points/index.ts';
import postmartRoutes from './routes/postmart/index.ts';
import productRoutes from './routes/products/index.ts';
import reportRoutes from './routes/reports/index.ts';
import sellerRoutes from './routes/sellers/index.ts';
import settlementRoutes from './routes/settlements/index.ts';
import shipmentRoutes from './routes/shipments/index.ts';
import userRoutes from './routes/users/index.ts';
import webhookRoutes from './routes/webhooks/index.ts';
import { ErrorBody } from './schemas/common.ts';
import { Commune } from './schemas/communes.ts';
import { Listing } from './schemas/listings.ts';
import { PickupPoint } from './schemas/pickup-points.ts';
import { ProductImage } from './schemas/product-images.ts';
import { Product } from './schemas/products.ts';
import { Seller } from './schemas/sellers.ts';
import { User } from './schemas/users.ts';

export type AppOptions = { config: Config; now?: () => Date };

declare module 'fastify' {
  interface FastifyInstance {
    /** The clock routes read "today" from; the wall clock unless the builder injected another. */
    now: () => Date;
  }
}

/** The API as a plugin: infrastructure first, then one plugin per resource. server.ts and tests both register it. */
export default async function app(fastify: FastifyInstance, opts: AppOptions): Promise<void> {
  fastify.decorate('now', opts.now ?? (() => new Date()));
  await fastify.register(infra, { config: opts.config });
  await fastify.register(errors);
  await fastify.register(protection);
  await fastify.register(limits);
  await fastify.register(swagger);
  await fastify.register(auth);
  await fastify.register(queues);
  await fastify.register(queueDashboard);
  await fastify.register(metrics);
  await fastify.register(postmart);
  await fastify.register(media);

  for (const schema of [ErrorBody, User, Seller, Product, Commune, Listing, PickupPoint, ProductImage]) fastify.addSchema(schema);

  // Text is stored NFC whatever form the client's keyboard produced (macOS and some Android IMEs send NFD).
  // NUL cannot be stored in PostgreSQL text, so it is refused here rather than failing in the database.
  fastify.addHook('preValidation', async (req) => {
    for (const [part, value] of [['body', req.body], ['query', req.query]] as const) {
      // Depth first: the walks below recurse, and a deeply nested body must be a 400, not a stack overflow.
      if (nestsDeeperThan(value, MAX_JSON_DEPTH)) {
        throw new AppError('INVALID_BODY', { detail: { vi: `dữ liệu lồng nhau quá ${MAX_JSON_DEPTH} cấp`, en: `nested deeper than ${MAX_JSON_DEPTH} levels` } });
      }
      const nul = findNulPath(value);
      if (nul !== null) throw invalid(nul || part, { vi: 'chứa ký tự NUL không hợp lệ', en: 'contains an invalid NUL character' });
    }
    if (req.body !== undefined && typeof req.body === 'object') req.body = deepNfc(req.body);
    if (req.query && typeof req.query === 'object') req.query = deepNfc(req.query);
  });

  await fastify.register(healthRoutes);
  await fastify.register(authRoutes);
  await fastify.register(userRoutes);
  await fastify.register(sellerRoutes);
  await fastify.register(productRoutes);
  await fastify.register(productImageRoutes);
  await fastify.register(mediaRoutes);
  await fastify.register(communeRoutes);
  await fastify.register(postmartRoutes);
  await fastify.register(listingRoutes);
  await fastify.register(orderRoutes);
  await fastify.register(labelRoutes);
  await fastify.register(pickupPointRoutes);
  await fastify.register(shipmentRoutes);
  await fastify.register(counterRoutes);
  await fastify.register(authorizationRoutes);
  await fastify.register(productHistoryRoutes);
  await fastify.register(consignmentRoutes);
  await fastify.register(counterSaleRoutes);
  await fastify.register(settlementRoutes);
  await fastify.register(farmPickupRoutes);
  await fastify.register(reportRoutes);
  await fastify.register(adminRoutes);
  await fastify.register(webhookRoutes);
  await fastify.register(dashboardRoutes);
  await fastify.register(sellerApp);
  await fastify.register(counterApp);
}
