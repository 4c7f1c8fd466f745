import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { startSandbox } from '../sandbox/server.ts';
import { dropBenchNamespace, type BenchNamespace } from './bench-api-database.ts';

/**
 * What a bench started and must stop whatever happens: the connector in a child process (as
 * `npm start` runs it), the in-process sandbox, and the throwaway database and queue prefix.
 */
export class BenchRun {
  sandbox: Awaited<ReturnType<typeof startSandbox>> | null = null;
  private child: ChildProcess | null = null;

  constructor(readonly ns: BenchNamespace) {}

  /** `server.ts` with this environment on top of ours; its stdout is piped for the bench to read. */
  spawnServer(env: Record<string, string>, nodeArgs: string[] = []): ChildProcess {
    this.child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'server.ts'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    return this.child;
  }

  async close(): Promise<void> {
    if (this.child && this.child.exitCode === null) {
      this.child.kill('SIGTERM');
      await once(this.child, 'exit');
    }
    await this.sandbox?.close();
    await dropBenchNamespace(this.ns);
  }
}
