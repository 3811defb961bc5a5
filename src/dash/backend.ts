/**
 * Runs data-layer calls against a database that may not exist yet, and
 * turns every outcome into a `Reply`: the views never see an exception.
 */
import { openDashDb, type DashDb } from './data.js';
import type { Reply } from './types.js';

export type DashMethod =
  | 'sweeps'
  | 'phase'
  | 'landing'
  | 'trials'
  | 'count'
  | 'trial'
  | 'failures';

export type MethodArgs<M extends DashMethod> = Parameters<DashDb[M]>;
export type MethodValue<M extends DashMethod> = ReturnType<DashDb[M]>;

export class DashBackend {
  private db: DashDb | null = null;

  constructor(private readonly path: string) {}

  call<M extends DashMethod>(
    method: M,
    args: MethodArgs<M>,
  ): Reply<MethodValue<M>> {
    const started = performance.now();

    try {
      if (this.db === null) {
        const opened = openDashDb(this.path);
        if (!opened.ok) {
          return { ok: false, waiting: true, message: opened.waiting };
        }
        this.db = opened.db;
      }

      const run = this.db[method] as (...a: unknown[]) => MethodValue<M>;
      const value = run.apply(this.db, args);
      return { ok: true, value, ms: performance.now() - started };
    } catch (error) {
      // The file may have been replaced or truncated under us: the next
      // call opens it afresh instead of reusing a broken connection.
      this.close();
      const message = error instanceof Error ? error.message : String(error);
      return { ok: false, waiting: false, message };
    }
  }

  close(): void {
    this.db?.close();
    this.db = null;
  }
}
