/**
 * The order in which a post office visits the day's farm pickups: a closed tour from the office
 * through every farm and back. A nearest-neighbour tour improved by 2-opt is within a few percent
 * of the best for the handful of stops an office has in a day (issue 14), and needs no solver.
 * Pure, so the order is tested on cases whose best tour is known.
 */

export type Point = { lat: number; lng: number };

const EARTH_RADIUS_KM = 6371.0088;
const rad = (d: number) => (d * Math.PI) / 180;

/** Great-circle distance in km; the roads of the delta are not straight, but ranking stays right. */
export function haversineKm(a: Point, b: Point): number {
  const h = Math.sin(rad(b.lat - a.lat) / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(rad(b.lng - a.lng) / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Length of the closed tour office → stops in order → office. */
export function tourLength(distance: (i: number, j: number) => number, order: readonly number[]): number {
  let total = 0;
  let at = 0;
  for (const stop of order) {
    total += distance(at, stop);
    at = stop;
  }
  return total + (order.length ? distance(at, 0) : 0);
}

/**
 * Visits `stops` from `depot` and back; returns the stops' indexes in visiting order.
 * Node 0 is the depot, node i+1 is stops[i]. `distance` defaults to the great-circle distance.
 */
export function planRoute(depot: Point, stops: readonly Point[], distanceKm: (a: Point, b: Point) => number = haversineKm): number[] {
  const nodes = [depot, ...stops];
  const n = nodes.length;
  const d: number[][] = nodes.map((a) => nodes.map((b) => distanceKm(a, b)));
  const dist = (i: number, j: number) => d[i]![j]!;

  // Nearest neighbour from the office; ties go to the lower index so the plan is deterministic.
  const tour = [0];
  const left = new Set(Array.from({ length: n - 1 }, (_, i) => i + 1));
  while (left.size) {
    const at = tour[tour.length - 1]!;
    let best = -1;
    for (const j of left) if (best === -1 || dist(at, j) < dist(at, best)) best = j;
    tour.push(best);
    left.delete(best);
  }
  tour.push(0);

  // 2-opt: reverse any segment whose reversal shortens the closed tour, until none does.
  const EPS = 1e-9;
  for (let improved = true; improved; ) {
    improved = false;
    for (let i = 1; i < tour.length - 2; i++) {
      for (let k = i + 1; k < tour.length - 1; k++) {
        const [a, b, c, e] = [tour[i - 1]!, tour[i]!, tour[k]!, tour[k + 1]!];
        if (dist(a, c) + dist(b, e) < dist(a, b) + dist(c, e) - EPS) {
          tour.splice(i, k - i + 1, ...tour.slice(i, k + 1).reverse());
          improved = true;
        }
      }
    }
  }
  return tour.slice(1, -1).map((node) => node - 1);
}
