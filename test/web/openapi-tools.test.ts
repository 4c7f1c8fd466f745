import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import openapiTS, { astToString } from 'openapi-typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../support/app.ts';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '..', '..');
const bin = (name: string) => join(root, 'node_modules', '.bin', name);

type LintReport = { totals: { errors: number; warnings: number }; problems: { ruleId: string; severity: string; message: string; location: { pointer: string }[] }[] };

/**
 * The published document as other tools read it: Redocly's recommended rules find no error, and a
 * client generated from it with openapi-typescript type-checks the README's calls
 * (docs/examples/typed-client.ts). Both tools run in child processes on a copy in a temp folder.
 */
describe('OpenAPI document through the tools', () => {
  let dir: string;
  let lint: Promise<{ report: LintReport; stderr: string }>;
  let typecheck: Promise<{ code: number; output: string }>;

  beforeAll(async () => {
    const app = await buildTestApp();
    const doc = app.swagger();
    await app.close();

    dir = await mkdtemp(join(tmpdir(), 'openapi-'));
    // The example resolves openapi-fetch through the project's packages.
    await symlink(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
    await writeFile(join(dir, 'openapi.json'), JSON.stringify(doc));

    // Started together and awaited by the tests: the two tools take most of this file's time.
    lint = run(bin('redocly'), ['lint', 'openapi.json', '--extends=recommended', '--format=json'], {
      cwd: dir,
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    })
      // Redocly exits 1 when it finds errors; the report on stdout says which.
      .catch((err: { stdout?: string; stderr?: string }) => ({ stdout: err.stdout ?? '', stderr: err.stderr ?? '' }))
      .then(({ stdout, stderr }) => {
        try {
          return { report: JSON.parse(stdout) as LintReport, stderr };
        } catch {
          throw new Error(`redocly printed no JSON report:\n${stdout}\n${stderr}`);
        }
      });

    typecheck = (async () => {
      await writeFile(join(dir, 'api.ts'), astToString(await openapiTS(JSON.stringify(doc))));
      await copyFile(join(root, 'docs', 'examples', 'typed-client.ts'), join(dir, 'typed-client.ts'));
      const compilerOptions = {
        target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', lib: ['ES2023', 'DOM'], types: [],
        strict: true, noUncheckedIndexedAccess: true, noEmit: true, allowImportingTsExtensions: true, skipLibCheck: true,
      };
      await writeFile(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['typed-client.ts'] }));
      return run(bin('tsc'), ['-p', 'tsconfig.json', '--pretty', 'false'], { cwd: dir })
        .then(({ stdout }) => ({ code: 0, output: stdout }))
        .catch((err: { code?: number; stdout?: string }) => ({ code: err.code ?? 1, output: err.stdout ?? '' }));
    })();
    // Neither rejects, so a failure surfaces in its own test rather than as an unhandled rejection.
    await Promise.allSettled([lint, typecheck]);
  }, 90_000);

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('passes `redocly lint` with the recommended rules and no errors', async () => {
    const { report, stderr } = await lint;
    const errors = report.problems.filter((p) => p.severity === 'error').map((p) => `${p.ruleId} ${p.location[0]?.pointer}: ${p.message}`);
    expect(errors, stderr).toEqual([]);
    expect(report.totals.errors).toBe(0);
    // Operation ids are only a warning for Redocly; generated clients name their methods after them.
    expect(report.problems.filter((p) => p.ruleId.startsWith('operation-operationId'))).toEqual([]);
  });

  it('generates a typed client that type-checks the README calls (and refuses the wrong ones)', async () => {
    const { code, output } = await typecheck;
    expect(output).toBe('');
    expect(code).toBe(0);
  });
});
