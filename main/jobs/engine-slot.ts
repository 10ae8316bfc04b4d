/**
 * Holds one engine of the app (so "one run at a time" holds across the UI, the tray and the
 * schedule) and rebuilds it after settings or credentials change, never while it is in use.
 */
export class EngineSlot<E> {
  private engine: Promise<E> | null = null;
  private active = 0;
  private stale = false;

  constructor(private readonly build: () => Promise<E>) {}

  /** Settings or credentials changed: the next use builds a fresh engine. */
  invalidate(): void {
    if (this.active > 0) this.stale = true;
    else this.engine = null;
  }

  async use<R>(action: (engine: E) => Promise<R>): Promise<R> {
    this.engine ??= this.build().catch((error: unknown) => {
      this.engine = null;
      throw error;
    });
    const engine = await this.engine;
    this.active++;
    try {
      return await action(engine);
    } finally {
      this.active--;
      if (this.active === 0 && this.stale) {
        this.stale = false;
        this.engine = null;
      }
    }
  }
}
