import type { Logger } from 'pino';
import { ensureDatabase, runMigrations } from '../db/migrate.ts';
import { DEMO_ACCOUNTS, ensureAccount, seedDemo } from '../db/seed/demo.ts';
import { seedDemoHistory } from '../db/seed/demo-history.ts';
import { seedDemoPhotos } from '../db/seed/demo-photos.ts';
import { seedReference } from '../db/seed/reference.ts';
import { createMediaStorage } from './services/media/create-storage.ts';
import type { Config } from './config.ts';
import { createDb } from './db.ts';
import { AppError } from './errors.ts';
import { requireStrongPassword } from './services/accounts/password-policy.ts';

/**
 * Everything a fresh machine needs before serving: the database, its migrations, the reference
 * data, the first admin (ADMIN_PHONE/ADMIN_PASSWORD) and, outside production, the demo data.
 * Every step is idempotent, so a second start changes nothing.
 */
export async function prepareDatabase(config: Config, log: Logger): Promise<void> {
  if (await ensureDatabase(config.databaseUrl)) log.info('created database');
  await runMigrations(config.databaseUrl);
  const { pool, db } = createDb(config.databaseUrl, 2, 'dtpc-bootstrap');
  try {
    const ref = await seedReference(db);
    if (ref.communes || ref.mappings) log.info(ref, 'loaded commune reference data');
    if (config.admin) {
      // The same rule as any account's password (src/services/accounts/password-policy.ts).
      try {
        requireStrongPassword(config.admin.password, [config.admin.phone], 'ADMIN_PASSWORD');
      } catch (err) {
        throw new Error(err instanceof AppError ? `${err.messageIn('vi')} / ${err.messageIn('en')}` : String(err));
      }
      const created = await ensureAccount(db, { ...config.admin, name: 'Quản trị viên', role: 'admin' });
      if (created) log.info({ phone: config.admin.phone }, 'created the first admin from ADMIN_PHONE');
    }
    if (config.seedDemo && config.env !== 'production') {
      const demo = await seedDemo(db);
      if (demo.sellers || demo.products || demo.accounts) log.info(demo, 'loaded demo data');
      const media = createMediaStorage(config.media);
      try {
        const photos = await seedDemoPhotos({ db, media, publicUrl: config.publicUrl });
        if (photos) log.info({ photos }, 'gave the demo products their photos');
      } finally {
        await media.close();
      }
      const history = await seedDemoHistory(db, config.env);
      if (history.orders) log.info(history, 'loaded six months of demo order history');
    }
  } finally {
    await pool.end();
  }
}

export function describeDemoAccounts(): string {
  return DEMO_ACCOUNTS.map((a) => `    ${a.role.padEnd(18)} ${a.phone} / ${a.password}`).join('\n');
}
