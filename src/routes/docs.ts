import type { FastifyRequest } from 'fastify';
import type { Actor } from '../services/accounts/audit.ts';

/** OpenAPI fields for an authenticated route: bearer security and the roles allowed, stated once per route. */
export function secured(roles: string, description?: string) {
  return {
    security: [{ bearerAuth: [] }],
    description: `**Roles:** ${roles}${description ? `\n\n${description}` : ''}`,
  };
}

export const actorOf = (req: FastifyRequest): Actor => ({ userId: req.principal.id, requestId: req.id });
