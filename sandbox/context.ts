import type { Logger } from 'pino';
import type { RuntimeConfig, SandboxSettings } from './config.ts';
import type { SandboxDb } from './db.ts';
import type { Commune } from './recipients.ts';

/**
 * What the sandbox's services need, passed in as one narrow object (no Fastify here), so the
 * control API, the buyer generator and the background loops share the same rules.
 */
export type SandboxDeps = {
  db: SandboxDb;
  settings: SandboxSettings;
  /** The live run-time config (PUT /sandbox/config); read it at the moment of use. */
  config: () => RuntimeConfig;
  random: () => number;
  log: Logger;
  /** Called after a transaction that enqueued webhook events has committed. */
  wakeWebhooks: () => void;
  /** The communes of the province (the sandbox's own sandbox/db/communes.csv), read once at start: wards for recipients. */
  communes: readonly Commune[];
  /** Asks the reviewer to look for due products at (or soon after) this instant. */
  reviewAt: (atMs: number) => void;
};

export const nowSeconds = (ms = Date.now()) => Math.floor(ms / 1000);
