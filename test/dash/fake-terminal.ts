/**
 * Just enough of a terminal's streams for Ink: a stdout that keeps what
 * was written and has a size, a stdin that delivers keys on demand.
 */
import { EventEmitter } from 'node:events';

export class FakeStdout extends EventEmitter {
  isTTY = false;
  written = '';

  constructor(public columns = 80, public rows = 24) {
    super();
  }

  write(chunk: string): boolean {
    this.written += chunk;
    return true;
  }

  resize(columns: number, rows: number): void {
    this.columns = columns;
    this.rows = rows;
    this.emit('resize');
  }
}

export class FakeStdin extends EventEmitter {
  isTTY = true;
  private pending: string[] = [];

  press(keys: string): void {
    this.pending.push(keys);
    this.emit('readable');
  }

  read(): string | null {
    return this.pending.shift() ?? null;
  }

  setEncoding(): void {}
  setRawMode(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
}
