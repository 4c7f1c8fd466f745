import type { AuthorizationScope } from '../../../db/schema/counter.ts';
import { ROLES, type Role } from '../../../db/schema/users.ts';
import { forbidden, notFound } from '../../errors.ts';

/** A live authorization (ủy quyền) of a seller for the clerks of one post office. */
export type Mandate = Readonly<{ authorizationId: string; sellerId: string; scopes: readonly AuthorizationScope[] }>;

/** The authenticated user as every service sees it. */
export type Principal = Readonly<{
  id: string;
  role: Role;
  name: string;
  sellerId: string | null;
  pickupPointId: string | null;
  /**
   * A clerk's office's live authorizations, read for every request (src/plugins/auth.ts), never
   * cached: an expired or revoked one stops counting at once on every replica.
   */
  mandates?: readonly Mandate[];
}>;

/**
 * `system`: operations on the connector itself (reconcile, queues). `report`: sales and programme
 * reports. `pickup_parcels`: a point's counter list, which shows every seller's parcels there.
 * `authorization`: a seller's ủy quyền of a post office. `assisted_seller`: a household farmer registered
 * at a post office's counter together with their authorization ("công dân không viết").
 */
export type Resource =
  | 'seller' | 'product' | 'order' | 'user' | 'pickup_point' | 'pickup_parcels' | 'system' | 'report' | 'authorization' | 'assisted_seller'
  // Post offices as outlets (issue 14, src/services/outlets): goods on consignment, counter sales,
  // monthly settlement (and the commission rates behind it), pickups at the farm.
  | 'consignment' | 'counter_sale' | 'settlement' | 'farm_pickup'
  // A seller's Postmart shop connection (OAuth, postmart-api.md#authentication-and-signing): apart from
  // `seller` so that connecting the shop does not also allow changing the seller's profile.
  | 'postmart_shop';
/**
 * `operate`: a post office counter's work (parcels of the day, handover, collection). `ship`: book
 * an order's drop-off (kept apart from `update` because an authorization may allow one without the other).
 */
export type Action = 'list' | 'read' | 'create' | 'update' | 'operate' | 'ship';

/** Resources checked as a whole (authorizeAction), never object by object. */
type Collective = 'system' | 'report';

function ownerSellerId(resource: Resource, obj: Record<string, unknown>): string | null {
  if (resource === 'seller') return obj.id as string;
  if (resource === 'product' || resource === 'order' || resource === 'authorization') return obj.sellerId as string;
  if (resource === 'consignment' || resource === 'settlement' || resource === 'farm_pickup' || resource === 'postmart_shop') return obj.sellerId as string;
  return null;
}

/** The ways an object can be "one's own"; `label` is how the API documentation names each. */
const OWN = {
  account: { label: 'own account', owns: (p: Principal, _r: Resource, obj: Record<string, unknown>) => obj.id === p.id },
  seller: { label: 'own seller', owns: (p: Principal, r: Resource, obj: Record<string, unknown>) => ownerSellerId(r, obj) === p.sellerId },
  point: { label: 'own point', owns: (p: Principal, _r: Resource, obj: Record<string, unknown>) => obj.id === p.pickupPointId },
  // Objects that name the office they belong to: authorizations, and outlet objects (consignments, counter sales, statements, farm pickups).
  office: { label: 'own office', owns: (p: Principal, _r: Resource, obj: Record<string, unknown>) => p.pickupPointId !== null && obj.pickupPointId === p.pickupPointId },
  // An order carries the points it passes through (src/services/fulfillment/pickup-orders.ts orderForAccess).
  pointOrders: {
    label: 'orders at their point',
    owns: (p: Principal, _r: Resource, obj: Record<string, unknown>) =>
      p.pickupPointId !== null && ((obj.pickupPointIds as string[] | undefined) ?? []).includes(p.pickupPointId),
  },
} as const;
type Own = keyof typeof OWN;

/** What a role sees of a resource (`all`, none, or only its own) and what it may do there. */
export type Rule = Readonly<{ sees: 'all' | 'none' | Own; may: readonly Action[] }>;

const EVERYTHING: readonly Action[] = ['list', 'read', 'create', 'update', 'operate', 'ship'];
const READING: readonly Action[] = ['list', 'read'];
const NOTHING: Rule = { sees: 'none', may: [] };
const everyResource = (rule: Rule): Record<Resource, Rule> => ({
  seller: rule, product: rule, order: rule, user: rule, pickup_point: rule, pickup_parcels: rule, system: rule, report: rule, authorization: rule, assisted_seller: rule,
  consignment: rule, counter_sale: rule, settlement: rule, farm_pickup: rule, postmart_shop: rule,
});

/**
 * The one place that decides who may read or change what, as data: the checks below and the
 * "Roles:" line of every route's OpenAPI description (src/routes/docs.ts) both read this table.
 *
 * - admin: everything.
 * - provincial_staff: reads everything, changes nothing.
 * - seller_manager: only their own seller and its products and orders; reports cut to their seller.
 * - post_office_clerk: scoped to a pickup point: reads it and the orders dropped off or waiting
 *   there, and works its counter (handover, collection); sees no sellers or products directly.
 *
 * A forbidden object answers 404 so its existence is not revealed; a forbidden action on a
 * visible object answers 403.
 */
export const ACCESS_RULES: Readonly<Record<Role, Readonly<Record<Resource, Rule>>>> = {
  admin: everyResource({ sees: 'all', may: EVERYTHING }),
  provincial_staff: everyResource({ sees: 'all', may: READING }),
  seller_manager: {
    // A manager edits their seller's details and catalog; creating sellers and accounts is an admin's job.
    seller: { sees: 'seller', may: ['list', 'read', 'update'] },
    product: { sees: 'seller', may: ['list', 'read', 'create', 'update'] },
    order: { sees: 'seller', may: ['list', 'read', 'create', 'update', 'ship'] },
    user: { sees: 'account', may: ['read'] },
    // Every seller chooses among all pickup points, but a point's parcels include other sellers'.
    pickup_point: { sees: 'all', may: READING },
    pickup_parcels: NOTHING,
    system: NOTHING,
    // Read-only, cut to their seller by reportScope.
    report: { sees: 'seller', may: ['read'] },
    // The seller's own manager sees who acts for the seller and can revoke it (update); an admin or the office records it.
    authorization: { sees: 'seller', may: ['list', 'read', 'update'] },
    assisted_seller: NOTHING,
    // Sends goods to an office; what the counter sold shows in their statements, not sale by sale.
    consignment: { sees: 'seller', may: ['list', 'read', 'create'] },
    counter_sale: NOTHING,
    // Reads their statements and accepts them (operate); rates are the admin's (update).
    settlement: { sees: 'seller', may: ['list', 'read', 'operate'] },
    // Books and reschedules (update) pickups at their farm.
    farm_pickup: { sees: 'seller', may: ['list', 'read', 'create', 'update'] },
    // Connects (update) their own shop with one button in the sellers' app.
    postmart_shop: { sees: 'seller', may: ['read', 'update'] },
  },
  post_office_clerk: {
    seller: NOTHING,
    product: NOTHING,
    order: { sees: 'pointOrders', may: ['read', 'operate'] },
    user: { sees: 'account', may: ['read'] },
    pickup_point: { sees: 'point', may: ['list', 'read', 'operate'] },
    pickup_parcels: { sees: 'point', may: ['read'] },
    system: NOTHING,
    report: NOTHING,
    // A clerk records a household farmer's authorization for their own office, and sees and revokes the office's.
    authorization: { sees: 'office', may: ['list', 'read', 'create', 'update'] },
    // Registering a household farmer with their authorization, at their own office only; no other seller creation.
    assisted_seller: { sees: 'office', may: ['create'] },
    // Receives consignments with a count and returns goods (operate).
    consignment: { sees: 'office', may: ['list', 'read', 'operate'] },
    // Sells (create) and voids their own sales the same day (operate; the service checks the seller of the sale).
    counter_sale: { sees: 'office', may: ['list', 'read', 'create', 'operate'] },
    settlement: { sees: 'office', may: ['list', 'read'] },
    // Sees the office's pickups and its route, reschedules (update) and marks them collected (operate).
    farm_pickup: { sees: 'office', may: ['list', 'read', 'update', 'operate'] },
    // Only for a seller, under a live authorization with scope `catalog` (MANDATE_SCOPES).
    postmart_shop: NOTHING,
  },
};

/**
 * What each scope of a live authorization lets the clerks of its office do for that seller, through
 * the same routes and checks as a seller manager's. Nothing else: no reports, no seller profile
 * changes, no other seller.
 */
export const MANDATE_SCOPES: Readonly<Record<AuthorizationScope, Partial<Record<Resource, readonly Action[]>>>> = {
  // Connecting the farmer's Postmart shop is part of `catalog`: the shop is where the products the
  // clerk makes under this scope are listed, and without it they never reach Postmart. The farmer,
  // at the counter, approves on Postmart's own page; `orders` and `shipping` only act on orders
  // that a listed catalog brings, so neither needs to connect.
  catalog: { seller: ['list', 'read'], product: ['list', 'read', 'create', 'update'], postmart_shop: ['read', 'update'] },
  // Every scope shows whether the shop is connected (orders come from it), so a clerk without `catalog` is told 403, not 404.
  orders: { seller: ['list', 'read'], order: ['list', 'read', 'update'], postmart_shop: ['read'] },
  shipping: { seller: ['list', 'read'], order: ['list', 'read', 'ship'], postmart_shop: ['read'] },
};

const scopeAllows = (scope: AuthorizationScope, resource: Resource, action: Action) => MANDATE_SCOPES[scope][resource]?.includes(action) ?? false;

/**
 * The authorization under which a clerk may perform `action` on this object (of its seller), or
 * null. With no object (a list, a creation), any live authorization allowing it.
 */
export function mandateFor(p: Principal, resource: Resource, action: Action, obj: Record<string, unknown> | null): Mandate | null {
  if (p.role !== 'post_office_clerk' || !p.mandates?.length) return null;
  const seller = obj ? ownerSellerId(resource, obj) : null;
  if (obj && !seller) return null;
  return p.mandates.find((m) => (seller === null || m.sellerId === seller) && m.scopes.some((s) => scopeAllows(s, resource, action))) ?? null;
}

function baseSees(p: Principal, resource: Resource, obj: Record<string, unknown>): boolean {
  const { sees } = ACCESS_RULES[p.role][resource];
  if (sees === 'all' || sees === 'none') return sees === 'all';
  return OWN[sees].owns(p, resource, obj);
}

/** May the principal see this object at all (by role, or under a live authorization for its seller)? */
export function canSee(p: Principal, resource: Resource, obj: Record<string, unknown>): boolean {
  return baseSees(p, resource, obj) || mandateFor(p, resource, 'read', obj) !== null;
}

/** May the principal perform this action on resources of this kind (given it can see the object)? */
export function canDo(p: Principal, resource: Resource, action: Action): boolean {
  return ACCESS_RULES[p.role][resource].may.includes(action) || mandateFor(p, resource, action, null) !== null;
}

/**
 * Throws 404 when the object is invisible, 403 when the action is not allowed on a visible one.
 * Returns the authorization the action is taken under when a clerk acts for the seller (for the
 * audit: clerk X for seller Y under authorization Z), null otherwise.
 */
export function authorize(p: Principal, resource: Exclude<Resource, Collective>, action: Action, obj: Record<string, unknown> | null): Mandate | null {
  if (obj === null || !canSee(p, resource, obj)) throw notFound(resource === 'pickup_parcels' || resource === 'assisted_seller' ? 'pickup_point' : resource);
  if (baseSees(p, resource, obj) && ACCESS_RULES[p.role][resource].may.includes(action)) return null;
  const mandate = mandateFor(p, resource, action, obj);
  if (!mandate) throw forbidden();
  return mandate;
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
 * Which sellers' objects a list of `resource` may return: null means all, else only those sellers'
 * (a manager's own; a clerk's, the sellers whose live authorization allows listing it). Callers
 * must have passed authorizeAction(p, resource, 'list') first.
 */
export function sellersInScope(p: Principal, resource: Resource): string[] | null {
  if (p.role === 'seller_manager') return [p.sellerId ?? ''];
  if (p.role === 'post_office_clerk') return (p.mandates ?? []).filter((m) => m.scopes.some((s) => scopeAllows(s, resource, 'list'))).map((m) => m.sellerId);
  return null;
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

/** Object actions are checked object by object (authorize: an invisible object answers 404). */
const OBJECT_ACTIONS: readonly Action[] = ['read', 'update', 'operate', 'ship'];

/**
 * Whether the action needs no object to decide on: lists, creations, reports, operations. Those are
 * decided by role alone (authorizeAction); the rest need the object (authorize), so only a service
 * that has loaded it can answer, and an invisible one answers 404.
 */
/** What a route declares it does (src/routes/docs.ts secured), read by its documentation and its check. */
export type DeclaredAccess = Readonly<{ resource: Resource; action: Action }>;

export const decidedByRole = (resource: Resource, action: Action): boolean =>
  !OBJECT_ACTIONS.includes(action) || resource === 'system' || resource === 'report';

export type AccessNotes = Readonly<{
  /** What a role sees differently (a masked phone): a view rule, not an access rule. */
  notes?: Partial<Record<Role, string>>;
  /** Roles the route's service never shows the object to, whatever the rules allow (they get 404). */
  hiddenFrom?: readonly Role[];
}>;

/**
 * Who may call a route that performs `action` on `resource`, in words, read off ACCESS_RULES, e.g.
 * "admin, seller_manager (own seller; others answer 404); provincial_staff gets 403; post_office_clerk gets 404".
 */
export function describeAccess(resource: Resource, action: Action, { notes = {}, hiddenFrom = [] }: AccessNotes = {}): string {
  const onObject = !decidedByRole(resource, action);
  const allowed: string[] = [];
  const refused = new Map<string, Role[]>();
  for (const role of ROLES) {
    const { sees, may } = ACCESS_RULES[role][resource];
    const hidden = hiddenFrom.includes(role) || sees === 'none';
    if (may.includes(action) && !hidden) {
      const said = [...(sees === 'all' ? [] : [onObject ? `${OWN[sees].label}; others answer 404` : `${OWN[sees].label} only`]), ...(notes[role] ? [notes[role]] : [])];
      allowed.push(said.length ? `${role} (${said.join('; ')})` : role);
      continue;
    }
    // On an object, what the role cannot see answers 404 before the action is considered; a route that hides
    // itself from a role (hiddenFrom) answers that role 404 whatever the action, a list included.
    const answer = hiddenFrom.includes(role) ? '404' : !onObject || sees === 'all' ? '403' : hidden ? '404' : '403 or 404';
    refused.set(answer, [...(refused.get(answer) ?? []), role]);
  }
  const refusals = [...refused].map(([answer, roles]) => `${roles.join(', ')} ${roles.length > 1 ? 'get' : 'gets'} ${answer}`);
  // Clerks acting for a seller under an authorization (MANDATE_SCOPES): the exception to their 403/404 above.
  const scopes = (Object.keys(MANDATE_SCOPES) as AuthorizationScope[]).filter((s) => scopeAllows(s, resource, action));
  const mandated = scopes.length > 0 && !allowed.some((a) => a.startsWith('post_office_clerk')) ? [`except a post_office_clerk acting for a seller under a live authorization (ủy quyền) with scope ${scopes.join(' or ')}, for that seller only`] : [];
  return [allowed.join(', '), ...refusals, ...mandated].join('; ');
}
