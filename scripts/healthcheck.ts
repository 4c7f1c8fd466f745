// The container's HEALTHCHECK (node dist/scripts/healthcheck.js): GET /health on this process's own
// port: the API port when the process runs the api role, WORKER_HTTP_PORT for a worker-only one.
// Liveness only: a PostgreSQL or Redis outage shows on /ready and must not mark every replica dead.
// Reads the variables directly rather than through loadConfig, so it stays a few milliseconds.
const roles = (process.env.ROLES ?? 'all').split(',');
const api = roles.includes('all') || roles.includes('api');
const port = api ? (process.env.PORT ?? '3000') : (process.env.WORKER_HTTP_PORT ?? '3001');
try {
  const res = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2500) });
  process.exit(res.status === 200 ? 0 : 1);
} catch {
  process.exit(1);
}
