// npm run build: the production build in dist/, which `node dist/server.js` runs without tsx.
// Plain JavaScript so it runs on a bare Node.js. Three steps: start from an empty dist/, type-check
// and compile (tsconfig.build.json), then copy the files the code finds next to itself through
// import.meta.url: the SQL migrations, the seed CSVs and the dashboard's static files.
import { spawnSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');

/** Directories (copied whole) and files the compiled code reads at run time, relative to the root. */
const ASSETS = ['db/migrations', 'sandbox/db/migrations', 'db/seed/dong_thap_communes_2025.csv', 'db/seed/dong_thap_old_to_new_mapping_2025.csv', 'src/dashboard'];

rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });
if (result.status !== 0) process.exit(result.status ?? 1);
for (const asset of ASSETS) cpSync(join(root, asset), join(dist, asset), { recursive: true });
console.log(`built ${dist}`);
