import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export type LocalCluster = {
  /** The REDIS_URL that selects cluster mode: every master, comma-separated. */
  url: string;
  ports: number[];
  stop: () => Promise<void>;
};

async function freePort(): Promise<number> {
  const srv = createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return port;
}

/**
 * A throwaway Redis Cluster of `masters` masters (no replicas) on loopback ports, from the
 * machine's redis-server, with the settings BullMQ needs (noeviction). Its nodes are children of
 * this process, stopped (and their files removed) by `stop`.
 */
export async function startLocalCluster(masters = 3): Promise<LocalCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'dtpc-cluster-'));
  const ports: number[] = [];
  const nodes: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(
      nodes.map(async (n) => {
        if (n.exitCode !== null || n.signalCode !== null) return;
        n.kill('SIGTERM');
        await once(n, 'exit');
      }),
    );
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < masters; i++) {
      const port = await freePort();
      ports.push(port);
      const node = spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', '5000',
          '--dir', dir, '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction', '--logfile', join(dir, `${port}.log`)],
        { stdio: 'ignore' },
      );
      nodes.push(node);
    }
    for (const port of ports) await until(async () => (await cli(port, 'ping')).trim() === 'PONG');
    await run('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes']);
    for (const port of ports) await until(async () => (await cli(port, 'cluster', 'info')).includes('cluster_state:ok'));
  } catch (err) {
    await stop();
    throw err;
  }
  return { url: ports.map((p) => `redis://127.0.0.1:${p}`).join(','), ports, stop };
}

async function cli(port: number, ...args: string[]): Promise<string> {
  return (await run('redis-cli', ['-p', String(port), ...args]).catch(() => ({ stdout: '' }))).stdout;
}

/** Polls a start-up condition (a node answering, the cluster agreeing) for at most 20 s. */
async function until(probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error('the local Redis Cluster did not come up within 20 s');
    await new Promise((r) => setTimeout(r, 100));
  }
}
