import type { FastifyRequest } from 'fastify';
import { describeAccess, type AccessNotes, type Action, type Resource } from '../services/accounts/access.ts';
import type { Actor } from '../services/accounts/audit.ts';

const withRoles = (roles: string, description?: string) => `**Roles:** ${roles}${description ? `\n\n${description}` : ''}`;

/**
 * OpenAPI fields for an authenticated route that performs `action` on `resource`: bearer security,
 * and a "Roles:" line generated from the access rules (src/services/accounts/access.ts), so the
 * document says what the services enforce instead of a hand-written copy of it.
 */
export function secured(resource: Resource, action: Action, description?: string, notes?: AccessNotes) {
  return { security: [{ bearerAuth: [] }], description: withRoles(describeAccess(resource, action, notes), description) };
}

/** A route any logged-in account may call, whatever its role (its own account, say). */
export function loggedIn(description?: string) {
  return { security: [{ bearerAuth: [] }], description: withRoles('any logged-in user', description) };
}

/** A route that needs no credentials; `security: []` overrides any document-wide requirement. */
export function publicRoute(description?: string) {
  return { security: [], description: withRoles('public.', description) };
}

export const actorOf = (req: FastifyRequest): Actor => ({ userId: req.principal.id, requestId: req.id });
