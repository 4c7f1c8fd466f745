import { bigserial, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './users.ts';

/** Who changed what: one row per write, with the fields before and after. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    actorUserId: uuid('actor_user_id').references(() => users.id),
    action: text('action').notNull(),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id').notNull(),
    changes: jsonb('changes').$type<Record<string, { from: unknown; to: unknown }>>().notNull().default({}),
    requestId: text('request_id'),
    /** Set when a clerk acted for a seller under an authorization (ủy quyền): clerk X for seller Y under authorization Z. */
    authorizationId: uuid('authorization_id'),
    onBehalfOfSellerId: uuid('on_behalf_of_seller_id'),
  },
  (t) => [index('audit_log_entity_idx').on(t.entityType, t.entityId, t.id), index('audit_log_actor_idx').on(t.actorUserId, t.id)],
);
