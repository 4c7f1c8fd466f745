import { Cluster, Redis, type ClusterNode, type RedisOptions } from 'ioredis';

/** A single Redis or a Redis Cluster: BullMQ, the rate limiters and the checks accept either. */
export type RedisConnection = Redis | Cluster;

/**
 * The nodes of a Redis Cluster when `url` lists several (`redis://10.0.0.1:6379,redis://10.0.0.2:6379`),
 * null for one URL (a single Redis). Listing two or more seeds is what selects cluster mode; the
 * client discovers the rest of the cluster from any of them.
 */
export function clusterNodes(url: string): { nodes: ClusterNode[]; options: RedisOptions } | null {
  const parts = url.split(',').map((s) => s.trim()).filter(Boolean);
  if (parts.length < 2) return null;
  const urls = parts.map((p) => new URL(p));
  const first = urls[0]!;
  return {
    nodes: urls.map((u) => ({ host: u.hostname, port: Number(u.port || 6379) })),
    options: {
      ...(first.username ? { username: decodeURIComponent(first.username) } : {}),
      ...(first.password ? { password: decodeURIComponent(first.password) } : {}),
      ...(first.protocol === 'rediss:' ? { tls: {} } : {}),
    },
  };
}

/**
 * BullMQ needs different options for the two kinds of connection (bullmq docs, going to production):
 * workers block and must retry forever; producers inside HTTP handlers must fail fast rather than
 * queue commands in memory while Redis is away. On a cluster every key the connector uses carries
 * the hash-tagged QUEUE_PREFIX, so each queue's (and each rate limiter's) keys share one slot.
 */
export function createRedis(url: string, kind: 'worker' | 'producer'): RedisConnection {
  const options: RedisOptions =
    kind === 'worker'
      ? { maxRetriesPerRequest: null }
      : { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 5000 };
  const cluster = clusterNodes(url);
  if (cluster) {
    return new Cluster(cluster.nodes, {
      redisOptions: { ...cluster.options, ...options },
      // The cluster-level offline queue too: a producer must fail fast while the cluster is away.
      enableOfflineQueue: kind === 'worker',
    });
  }
  return new Redis(url, { ...options, lazyConnect: false });
}
