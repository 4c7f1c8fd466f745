import type { FastifyRequest } from 'fastify';
import { describeAccess, type AccessNotes, type Action, type DeclaredAccess, type Resource } from '../services/accounts/access.ts';
import type { Actor } from '../services/accounts/audit.ts';

const withRoles = (roles: string, description?: string) => `**Roles:** ${roles}${description ? `\n\n${description}` : ''}`;

/**
 * The access declaration of an authenticated route that performs `action` on `resource`, spread into
 * its schema: bearer security, a "Roles:" line generated from the access rules
 * (src/services/accounts/access.ts) instead of a hand-written copy of them, and `x-access`, which the
 * auth plugin checks before the handler when the rules decide by role alone (lists, creations,
 * reports). Object actions stay with the service that loads the object.
 */
export function secured(resource: Resource, action: Action, description?: string, notes?: AccessNotes) {
  // Published as the operation's `x-access`, for tools as much as for the check.
  const declared: DeclaredAccess = { resource, action };
  return { security: [{ bearerAuth: [] }], 'x-access': declared, description: withRoles(describeAccess(resource, action, notes), description) };
}

/** A route any logged-in account may call, whatever its role (its own account, say). */
export function loggedIn(description?: string) {
  return { security: [{ bearerAuth: [] }], description: withRoles('any logged-in user', description) };
}

/** A route that needs no credentials; `security: []` overrides any document-wide requirement. */
export function publicRoute(description?: string) {
  return { security: [], description: withRoles('public.', description) };
}

/** Called by Postmart, not by an account: authenticated by its X-PM-Signature (postmart-api.md#webhooks). */
export function postmartSigned(description?: string) {
  return {
    security: [{ postmartSignature: [] }],
    description: withRoles('Postmart (authenticated by X-PM-Signature over the raw body, timestamp within ±300 s).', description),
  };
}

export const actorOf = (req: FastifyRequest): Actor => ({ userId: req.principal.id, requestId: req.id, ...(req.principal.mandates?.length ? { mandates: req.principal.mandates } : {}) });
