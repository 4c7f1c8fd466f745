import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMigrations } from '../../db/migrate.ts';
import { pickupPoints } from '../../db/schema/pickup-points.ts';
import { users } from '../../db/schema/users.ts';
import { DEMO_PICKUP_POINT_ID, DEMO_SELLERS, seedDemo } from '../../db/seed/demo.ts';
import { seedReference } from '../../db/seed/reference.ts';
import { createDb } from '../../src/db.ts';
import { findNearby, communeCentroid } from '../../src/services/fulfillment/pickup-finder.ts';
import { createScratchDatabase, dropDatabase } from '../support/app.ts';

let url: string;
let handle: ReturnType<typeof createDb>;

beforeAll(async () => {
  url = await createScratchDatabase(`demo_${process.pid}`);
  await runMigrations(url);
  handle = createDb(url, 2);
  await seedReference(handle.db);
});
afterAll(async () => {
  await handle?.pool.end();
  await dropDatabase(url);
});

describe('demo pickup points', () => {
  it("gives every demo seller a nearby point with capacity, makes the clerk's point real, and a second seeding changes nothing", async () => {
    const first = await seedDemo(handle.db);
    expect(first.pickupPoints).toBe(DEMO_SELLERS.length);
    expect(await seedDemo(handle.db)).toEqual({ sellers: 0, products: 0, accounts: 0, pickupPoints: 0 });

    const [clerkPoint] = await handle.db.select().from(pickupPoints).where(eq(pickupPoints.id, DEMO_PICKUP_POINT_ID));
    expect(clerkPoint).toMatchObject({ active: true, acceptsDropoff: true });
    const [clerk] = await handle.db.select().from(users).where(eq(users.phone, '+84900000004'));
    expect(clerk!.pickupPointId).toBe(DEMO_PICKUP_POINT_ID);

    for (const s of DEMO_SELLERS) {
      const [nearest] = await findNearby(handle.db, await communeCentroid(handle.db, s.wardCode, 'wardCode'), { radiusKm: 5, limit: 1 });
      expect(nearest, s.name).toMatchObject({ wardCode: s.wardCode, acceptsDropoff: true });
      expect(nearest!.remainingToday).toBeGreaterThan(0);
    }
  });
});
