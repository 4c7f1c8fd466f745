// npm run build: the production build in dist/, which `node dist/server.js` runs without tsx.
// Plain JavaScript so it runs on a bare Node.js. Three steps: start from an empty dist/, type-check
// and compile (tsconfig.build.json), then copy the files the code finds next to itself through
// import.meta.url: the SQL migrations, the seed CSVs and the dashboard's static files.
import { spawnSync } from 'node:child_process';
import { cpSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');

/**
 * The folders the compiled code comes from. Every file in them that is not TypeScript (SQL
 * migrations and their journal, seed CSVs, the dashboard's HTML, CSS and browser modules) is copied
 * to the same place under dist/, so code that finds a file next to itself through import.meta.url
 * finds it in the build too, including files added later.
 */
const SOURCE_DIRS = ['src', 'jobs', 'db', 'sandbox'];
rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });
if (result.status !== 0) process.exit(result.status ?? 1);
const notTypeScript = (path) => statSync(path).isDirectory() || !path.endsWith('.ts');
for (const dir of SOURCE_DIRS) cpSync(join(root, dir), join(dist, dir), { recursive: true, filter: notTypeScript });
console.log(`built ${dist}`);
