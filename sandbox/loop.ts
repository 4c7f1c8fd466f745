import type { Logger } from 'pino';

/**
 * A background loop: runs `work` every `intervalMs`, sooner when woken, at once again while it
 * reports more work. `start()` and `stop()` are safe to call twice; `stop()` waits for a run in
 * progress, so the owner can end the pool right after.
 */
export class Loop {
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Infinity;
  private running: Promise<void> | null = null;
  private again = false;
  private started = false;
  private stopped = false;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly work: () => Promise<boolean>,
    private readonly log: Logger,
  ) {}

  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.schedule(Date.now());
  }

  /** Run at `atMs` (default now), unless a run is already due earlier. */
  wake(atMs = Date.now()): void {
    if (!this.started || this.stopped) return;
    if (this.running && atMs <= Date.now()) {
      this.again = true;
      return;
    }
    this.schedule(atMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  private schedule(atMs: number): void {
    if (this.stopped || atMs >= this.timerAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = atMs;
    this.timer = setTimeout(() => this.run(), Math.max(0, atMs - Date.now()));
  }

  private run(): void {
    this.timer = null;
    this.timerAt = Infinity;
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      let more = true;
      while (more && !this.stopped) {
        this.again = false;
        try {
          more = (await this.work()) || this.again;
        } catch (err) {
          this.log.warn({ err, loop: this.name }, 'sandbox background loop failed; retrying at the next interval');
          more = false;
        }
      }
    })().finally(() => {
      this.running = null;
      this.schedule(Date.now() + this.intervalMs);
    });
  }
}
