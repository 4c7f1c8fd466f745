import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { sellers } from './sellers.ts';

/**
 * The connector's partner app on a Postmart instance (postmart-api.md#authentication-and-signing).
 * Keyed by base URL so switching from the sandbox to a real Postmart keeps both records apart.
 * Against a real Postmart the credentials come from the environment instead.
 */
export const postmartPartners = pgTable('postmart_partners', {
  baseUrl: text('base_url').primaryKey(),
  partnerId: text('partner_id').notNull(),
  /** Encrypted at rest with TOKEN_ENCRYPTION_KEY. */
  partnerKeyEnc: text('partner_key_enc').notNull(),
  webhookUrl: text('webhook_url'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const SHOP_STATUSES = ['pending', 'connected', 'disconnected'] as const;

/** One Postmart shop per seller and its OAuth tokens, encrypted at rest. */
export const postmartShops = pgTable(
  'postmart_shops',
  {
    sellerId: uuid('seller_id')
      .primaryKey()
      .references(() => sellers.id),
    shopId: text('shop_id').unique(),
    status: text('status', { enum: SHOP_STATUSES }).notNull().default('pending'),
    /** OAuth `state` of a connection in progress (postmart-api.md#authentication-and-signing). */
    oauthState: text('oauth_state').unique(),
    accessTokenEnc: text('access_token_enc'),
    accessExpiresAt: timestamp('access_expires_at', { withTimezone: true }),
    refreshTokenEnc: text('refresh_token_enc'),
    refreshExpiresAt: timestamp('refresh_expires_at', { withTimezone: true }),
    connectedAt: timestamp('connected_at', { withTimezone: true }),
    disconnectedAt: timestamp('disconnected_at', { withTimezone: true }),
    disconnectReason: text('disconnect_reason'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('postmart_shops_status_idx').on(t.status)],
);
