/**
 * A private tmux server (its own socket, in the test's folder) running
 * one command in a detached window: a real pseudo-terminal for
 * end-to-end tests.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { eventually } from './helpers.js';

let servers = 0;

const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;

export class Tmux {
  private readonly socket: string;
  private readonly exitFile: string;

  constructor(
    dir: string,
    private readonly columns: number,
    private readonly rows: number,
  ) {
    const name = `tmux-${process.pid}-${servers++}`;
    this.socket = join(dir, name);
    this.exitFile = join(dir, `${name}.exit`);
  }

  /** Runs `argv` without CI in its environment (Ink draws nothing there). */
  start(argv: string[]): void {
    const command = [
      'env', '-u', 'CI', '-u', 'CONTINUOUS_INTEGRATION', ...argv,
    ].map(quote).join(' ');
    // The pane stays a while after exit, so a crash can still be read.
    this.tmux('new-session', '-d', '-s', 'dash',
      '-x', String(this.columns), '-y', String(this.rows),
      `${command}; echo $? > ${quote(this.exitFile)}; sleep 30`);
  }

  screen(): string {
    return this.tmux('capture-pane', '-p', '-t', 'dash');
  }

  keys(...keys: string[]): void {
    this.tmux('send-keys', '-t', 'dash', ...keys);
  }

  resize(columns: number, rows: number): void {
    this.tmux('resize-window', '-t', 'dash', '-x', String(columns),
      '-y', String(rows));
  }

  /** The screen once it matches `pattern`. */
  until(pattern: RegExp, what: string, timeoutMs = 15_000): Promise<string> {
    return eventually(() => {
      const screen = this.screen();
      return pattern.test(screen) && screen;
    }, timeoutMs, () => `${what}; screen:\n${this.safeScreen()}`);
  }

  exitCode(): number | null {
    if (!existsSync(this.exitFile)) return null;

    const text = readFileSync(this.exitFile, 'utf8').trim();
    return text === '' ? null : Number(text);
  }

  close(): void {
    spawnSync('tmux', ['-S', this.socket, 'kill-server']);
  }

  private safeScreen(): string {
    try {
      return this.screen();
    } catch (error) {
      return String(error);
    }
  }

  private tmux(...args: string[]): string {
    const result = spawnSync('tmux', ['-S', this.socket, ...args], {
      encoding: 'utf8',
    });
    if (result.status !== 0) {
      throw new Error(`tmux ${args[0]} failed: ${result.stderr}`);
    }

    return result.stdout;
  }
}
