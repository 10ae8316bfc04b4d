/**
 * Holds the one sync engine of the app (so "one run at a time" holds across the UI, the tray and
 * the schedule) and rebuilds it after settings or credentials change, never during a run.
 */
import type { SyncEngine, SyncProgress, SyncRun } from './engine';

export class SyncController {
  private engine: Promise<SyncEngine> | null = null;
  private active = 0;
  private stale = false;

  constructor(private readonly build: () => Promise<SyncEngine>) {}

  /** Settings or credentials changed: the next run uses a fresh engine. */
  invalidate(): void {
    if (this.active > 0) this.stale = true;
    else this.engine = null;
  }

  async run(options: { dryRun?: boolean; onProgress?: (progress: SyncProgress) => void } = {}): Promise<SyncRun> {
    this.engine ??= this.build().catch((error: unknown) => {
      this.engine = null;
      throw error;
    });
    const engine = await this.engine;
    this.active++;
    try {
      return await engine.run(options);
    } finally {
      this.active--;
      if (this.active === 0 && this.stale) {
        this.stale = false;
        this.engine = null;
      }
    }
  }
}
