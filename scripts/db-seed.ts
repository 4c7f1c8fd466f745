// npm run db:seed: migrate, then load reference data, the first admin and (outside production) demo data.
import { pino } from 'pino';
import { prepareDatabase } from '../src/bootstrap.ts';
import { loadConfig } from '../src/config.ts';

await prepareDatabase(loadConfig(), pino({ level: 'info' }));
