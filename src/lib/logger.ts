import { createRequire } from 'node:module';
import type { LoggerOptions } from 'pino';

export type LogFormat = 'json' | 'pretty';

/**
 * JSON lines unless asked otherwise: what log collectors read, and what the benches and tests parse
 * from child processes. `auto` (the default) is pretty only in development on a terminal and only
 * when pino-pretty (a development dependency) is installed, so a production image never needs it.
 */
export function resolveLogFormat(wanted: LogFormat | 'auto', env: string, isTty = Boolean(process.stdout.isTTY)): LogFormat {
  if (wanted !== 'auto') return wanted;
  if (env !== 'development' || !isTty) return 'json';
  try {
    createRequire(import.meta.url).resolve('pino-pretty');
    return 'pretty';
  } catch {
    return 'json';
  }
}

/** pino options for a level and format; the pretty printer runs in pino's transport worker thread. */
export function loggerOptions(level: string, format: LogFormat): LoggerOptions {
  return {
    level,
    ...(format === 'pretty' ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } } } : {}),
  };
}
