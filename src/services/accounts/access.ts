import type { Role } from '../../../db/schema/users.ts';
import { forbidden, notFound } from '../../errors.ts';

/** The authenticated user as every service sees it. */
export type Principal = Readonly<{
  id: string;
  role: Role;
  name: string;
  sellerId: string | null;
  pickupPointId: string | null;
}>;

/**
 * The one place that decides who may read or change what. Routes call these before touching an
 * object; services that list objects call `sellerScope` to filter.
 *
 * - admin: everything.
 * - provincial_staff: reads everything, changes nothing.
 * - seller_manager: only their own seller and its products.
 * - post_office_clerk: scoped to a pickup point: reads it and the orders dropped off or waiting
 *   there, and works its counter (handover, collection); sees no sellers or products directly.
 *
 * A forbidden object answers 404 so its existence is not revealed; a forbidden action on a
 * visible object answers 403.
 */
/**
 * `system`: operations on the connector itself (reconcile, queues). `report`: sales and programme
 * reports. `pickup_parcels`: a point's counter list, which shows every seller's parcels there.
 */
export type Resource = 'seller' | 'product' | 'order' | 'user' | 'pickup_point' | 'pickup_parcels' | 'system' | 'report';
/** `operate`: a post office counter's work (parcels of the day, handover, collection). */
export type Action = 'list' | 'read' | 'create' | 'update' | 'operate';

function ownerSellerId(resource: Resource, obj: Record<string, unknown>): string | null {
  if (resource === 'seller') return obj.id as string;
  if (resource === 'product' || resource === 'order') return obj.sellerId as string;
  return null;
}

/** May the principal see this object at all? */
export function canSee(p: Principal, resource: Resource, obj: Record<string, unknown>): boolean {
  switch (p.role) {
    case 'admin':
    case 'provincial_staff':
      return true;
    case 'seller_manager':
      if (resource === 'user') return obj.id === p.id;
      // Every seller chooses among all pickup points, but a point's parcels include other sellers'.
      if (resource === 'pickup_point') return true;
      if (resource === 'pickup_parcels') return false;
      return ownerSellerId(resource, obj) === p.sellerId;
    case 'post_office_clerk':
      if (resource === 'user') return obj.id === p.id;
      if (resource === 'pickup_point' || resource === 'pickup_parcels') return obj.id === p.pickupPointId;
      // An order carries the points it passes through (src/services/pickup-orders.ts orderForAccess).
      if (resource === 'order') return p.pickupPointId !== null && ((obj.pickupPointIds as string[] | undefined) ?? []).includes(p.pickupPointId);
      return false;
  }
}

/** May the principal perform this action on resources of this kind (given it can see the object)? */
export function canDo(p: Principal, resource: Resource, action: Action): boolean {
  switch (p.role) {
    case 'admin':
      return true;
    case 'provincial_staff':
      return action === 'read' || action === 'list';
    case 'seller_manager':
      // Reports are read-only; a manager's are cut to their seller by reportScope.
      if (resource === 'report') return action === 'read';
      // A manager edits their seller's details and catalog; creating sellers and accounts is an admin's job.
      if (resource === 'system') return false;
      if (action === 'operate') return false;
      if (resource === 'user') return action === 'read';
      if (resource === 'seller') return action !== 'create';
      if (resource === 'pickup_point') return action === 'read' || action === 'list';
      return true;
    case 'post_office_clerk':
      if (resource === 'user') return action === 'read';
      if (resource === 'pickup_point') return action === 'read' || action === 'list' || action === 'operate';
      if (resource === 'pickup_parcels') return action === 'read';
      if (resource === 'order') return action === 'read' || action === 'operate';
      return false;
  }
}

/** Throws 404 when the object is invisible, 403 when the action is not allowed on a visible one. */
export function authorize(p: Principal, resource: Exclude<Resource, 'system' | 'report'>, action: Action, obj: Record<string, unknown> | null): void {
  if (obj === null || !canSee(p, resource, obj)) throw notFound(resource === 'pickup_parcels' ? 'pickup_point' : resource);
  if (!canDo(p, resource, action)) throw forbidden();
}

/** For lists and creations that have no object yet. */
export function authorizeAction(p: Principal, resource: Resource, action: Action): void {
  if (!canDo(p, resource, action)) throw forbidden();
}

/**
 * Which sellers' objects a list may return: null means all, a string means only that seller.
 * Callers must have passed authorizeAction(p, resource, 'list') first.
 */
export function sellerScope(p: Principal): string | null {
  return p.role === 'seller_manager' ? p.sellerId : null;
}

/**
 * Whose numbers a report may show: null means the whole province, a string only that seller's.
 * Admins and provincial staff see everything; a seller manager sees the same reports cut to their
 * seller; a post-office clerk gets none (403).
 */
export function reportScope(p: Principal): string | null {
  authorizeAction(p, 'report', 'read');
  // A manager account without a seller must not fall through to "the whole province".
  if (p.role === 'seller_manager' && !p.sellerId) throw forbidden();
  return sellerScope(p);
}
