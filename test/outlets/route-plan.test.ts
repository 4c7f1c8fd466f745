import { describe, expect, it } from 'vitest';
import { haversineKm, planRoute, tourLength, type Point } from '../../src/services/outlets/route-plan.ts';

const euclid = (a: Point, b: Point) => Math.hypot(a.lat - b.lat, a.lng - b.lng);

/** Every ordering of the stops, by brute force: the known best tour for a small case. */
function bestByBruteForce(depot: Point, stops: Point[]): number {
  const nodes = [depot, ...stops];
  const dist = (i: number, j: number) => euclid(nodes[i]!, nodes[j]!);
  let best = Infinity;
  const permute = (rest: number[], acc: number[]) => {
    if (rest.length === 0) best = Math.min(best, tourLength(dist, acc));
    rest.forEach((x, i) => permute([...rest.slice(0, i), ...rest.slice(i + 1)], [...acc, x]));
  };
  permute(stops.map((_, i) => i + 1), []);
  return best;
}

const lengthOf = (depot: Point, stops: Point[], order: number[]) => {
  const nodes = [depot, ...stops];
  return tourLength((i, j) => euclid(nodes[i]!, nodes[j]!), order.map((s) => s + 1));
};

describe('farm pickup route', () => {
  it('goes round the square, never across it: the known best tour of the four corners', () => {
    // Office at (0,0); farms at the other corners of a unit square and the square's far corner.
    // Nearest neighbour alone would be fine here; the order is checked exactly.
    const depot = { lat: 0, lng: 0 };
    const stops = [
      { lat: 1, lng: 1 }, // 0: far corner
      { lat: 0, lng: 1 }, // 1
      { lat: 1, lng: 0 }, // 2
    ];
    const order = planRoute(depot, stops, euclid);
    expect([[1, 0, 2], [2, 0, 1]]).toContainEqual(order);
    expect(lengthOf(depot, stops, order)).toBeCloseTo(4, 9);
  });

  it('untangles the crossing that nearest neighbour leaves, reaching the brute-force optimum', () => {
    // Nearest neighbour from the office zigzags between the two rows (0, 3, 2, 1, 4, 5: length 9.55)
    // and its tour crosses itself; 2-opt removes the crossings (best: 7.58).
    const depot = { lat: 0, lng: 0 };
    const stops = [
      { lat: 0, lng: 1 },
      { lat: 0, lng: 2.1 },
      { lat: 1, lng: 2 },
      { lat: 1, lng: 0.9 },
      { lat: 0.6, lng: 3 },
      { lat: 1.1, lng: -0.2 },
    ];
    const order = planRoute(depot, stops, euclid);
    expect([...order].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(lengthOf(depot, stops, order)).toBeCloseTo(bestByBruteForce(depot, stops), 9);
    // The known best tour: along the bottom to the far end, back along the top (either direction).
    expect([[0, 1, 4, 2, 3, 5], [5, 3, 2, 4, 1, 0]]).toContainEqual(order);
  });

  it('plans an empty day and a single stop', () => {
    expect(planRoute({ lat: 10.3, lng: 105.6 }, [])).toEqual([]);
    expect(planRoute({ lat: 10.3, lng: 105.6 }, [{ lat: 10.4, lng: 105.7 }])).toEqual([0]);
  });

  it('measures great-circle distance: Cao Lãnh to Sa Đéc is about 27 km', () => {
    expect(haversineKm({ lat: 10.4603, lng: 105.6329 }, { lat: 10.2906, lng: 105.7566 })).toBeGreaterThan(20);
    expect(haversineKm({ lat: 10.4603, lng: 105.6329 }, { lat: 10.2906, lng: 105.7566 })).toBeLessThan(30);
  });
});
