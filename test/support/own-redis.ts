import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A redis-server of the caller's own on a free loopback port, so a test can kill and restart it;
 * the machine's shared Redis (6379), which other runs use, is never touched. `persist: true` keeps
 * an append-only file fsynced on every write (a restart keeps every acknowledged write) in a
 * temporary directory; otherwise nothing is persisted and a restart loses everything.
 */
export class OwnRedis {
  private proc: ChildProcess | null = null;
  private restarting: Promise<void> = Promise.resolve();
  private readonly dir: string;
  private constructor(
    readonly port: number,
    private readonly persist: boolean,
  ) {
    this.dir = mkdtempSync(join(tmpdir(), 'dtpc-redis-'));
  }

  static async create(opts: { persist?: boolean } = {}): Promise<OwnRedis> {
    return new OwnRedis(await freePort(), opts.persist ?? false);
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.proc !== null && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** Starts the server, unless it is running already; resolves once it accepts connections. */
  async start(): Promise<void> {
    if (this.running) return;
    const persistence = this.persist ? ['--appendonly', 'yes', '--appendfsync', 'always', '--save', ''] : ['--appendonly', 'no', '--save', ''];
    const proc = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--maxmemory-policy', 'noeviction', ...persistence], { stdio: ['ignore', 'pipe', 'inherit'] });
    this.proc = proc;
    let seen = '';
    await new Promise<void>((resolve, reject) => {
      proc.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${seen}`)));
      proc.stdout!.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        if (seen.includes('Ready to accept connections')) resolve();
      });
    });
    proc.removeAllListeners('exit');
    proc.stdout!.resume();
  }

  /** Kills the server as a crash would (SIGKILL). */
  async kill(): Promise<void> {
    const proc = this.proc;
    if (!proc || !this.running) return;
    this.proc = null;
    const exited = once(proc, 'exit');
    proc.kill('SIGKILL');
    await exited;
  }

  /**
   * A crash and a restart: with `keepData` the append-only file is replayed, without it the server
   * comes back empty. Restarts asked for at once run one after the other (a second server spawned
   * while the first still holds the port would fail to bind).
   */
  restart(opts: { keepData: boolean }): Promise<void> {
    const run = async () => {
      await this.kill();
      if (!opts.keepData) {
        rmSync(this.dir, { recursive: true, force: true });
        mkdirSync(this.dir, { recursive: true });
      }
      await this.start();
    };
    this.restarting = this.restarting.then(run, run);
    return this.restarting;
  }

  /** Stops the server and removes its files. */
  async close(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export async function freePort(): Promise<number> {
  const srv = createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const { port } = srv.address() as AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}
