// npm start (ROLES unset or all, outside production): the sandbox, the workers and the API each in
// a child process of their own, so that one crashing no longer takes the other two down; a child
// that dies is started again, after 1 s, doubling up to 30 s while it keeps dying at once.
// The sandbox child starts first and prepares the database (MIGRATE_ON_START), then registers the
// demo partner app and shops; the API child starts once it answers, then the workers once the API answers, neither migrating.
// Ctrl-C or SIGTERM stops all three gracefully. A deployment runs the roles as separate services
// instead (README "Deploy"); this is only the one-command development start.
import { spawn, type ChildProcess } from 'node:child_process';

type Role = 'sandbox' | 'worker' | 'api';
const say = (line: string) => process.stderr.write(`[npm start] ${line}\n`);
const sandboxPort = process.env.SANDBOX_PORT ?? '4010';
const apiPort = process.env.PORT ?? '3000';
const migrate = process.env.MIGRATE_ON_START ?? 'true';

let stopping = false;
const children = new Map<Role, ChildProcess>();

function start(role: Role, delayMs = 1000): void {
  const startedAt = Date.now();
  const env = { ...process.env, ROLES: role, MIGRATE_ON_START: role === 'sandbox' ? migrate : 'false' };
  const child = spawn(process.execPath, ['--import', 'tsx', 'server.ts'], { env, stdio: 'inherit' });
  children.set(role, child);
  child.once('exit', (code, signal) => {
    children.delete(role);
    if (stopping) {
      if (children.size === 0) process.exit(0);
      return;
    }
    // Ran a while: a fresh crash, restart soon. Died at once: back off, it is probably misconfigured.
    const next = Date.now() - startedAt > 30_000 ? 1000 : Math.min(delayMs * 2, 30_000);
    say(`${role} exited (${signal ?? `code ${code}`}); starting it again in ${next / 1000} s`);
    setTimeout(() => !stopping && start(role, next), next).unref();
  });
}

async function answers(url: string, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until && !stopping) {
    const ok = await fetch(url).then((r) => r.ok, () => false);
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

function stop(signal: NodeJS.Signals): void {
  if (stopping) return;
  stopping = true;
  say(`${signal}: stopping api, worker and sandbox`);
  if (children.size === 0) process.exit(0);
  for (const child of children.values()) child.kill('SIGTERM');
}
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));

say('starting the sandbox, then the API, then the workers, each in its own process');
start('sandbox');
if (!(await answers(`http://127.0.0.1:${sandboxPort}/sandbox/config`, 120_000))) {
  if (!stopping) say(`the sandbox did not answer on port ${sandboxPort} within 2 min; starting the API and the workers anyway`);
}
if (!stopping) start('api');
// The workers' first listings send photo URLs the API serves, and the sandbox's review (like
// Postmart's) refuses a listing whose photo it cannot download: the API must answer first.
if (!(await answers(`http://127.0.0.1:${apiPort}/health`, 120_000))) {
  if (!stopping) say(`the API did not answer on port ${apiPort} within 2 min; starting the workers anyway`);
}
if (!stopping) start('worker');
