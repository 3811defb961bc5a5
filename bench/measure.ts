/**
 * Running a child process while measuring it: wall time, peak resident
 * memory and the progress lines of `sharpsweep run --no-tui`.
 *
 * Peak RSS comes from GNU time (`/usr/bin/time -v`, "Maximum resident
 * set size") when present, else from polling VmHWM in /proc/<pid>/status
 * (the kernel's own high-water mark, so polling misses nothing but the
 * last interval before exit).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

export interface Measured {
  wallMs: number;
  exitCode: number | null;
  /** True when the timeout stopped the run before it finished. */
  stopped: boolean;
  /** Peak RSS in MiB, null when it could not be read. */
  peakRssMiB: number | null;
  rssSource: string;
  /**
   * (user + system CPU time) / wall time, in %, from GNU time: 200 means
   * two cores busy all along. Null without GNU time.
   */
  cpuPercent: number | null;
  stdout: string;
  stderr: string;
  /** `[seconds since start, trials done]` from each progress line. */
  progress: Array<[number, number]>;
}

const GNU_TIME = '/usr/bin/time';

let runs = 0;

/**
 * Peak RSS (KiB) and CPU share (%) from a GNU time -v report, which is
 * removed after reading.
 */
function readGnuTime(file: string): { kib: number | null; cpu: number | null } {
  const number = (text: string, pattern: RegExp) => {
    const match = pattern.exec(text);

    return match ? Number(match[1]) : null;
  };
  try {
    const text = readFileSync(file, 'utf8');

    return {
      kib: number(text, /Maximum resident set size \(kbytes\): (\d+)/),
      cpu: number(text, /Percent of CPU this job got: (\d+)%/),
    };
  } catch {
    return { kib: null, cpu: null };
  } finally {
    rmSync(file, { force: true });
  }
}

/** `[name] 1234/5678 (…)`: the done count of a `run --no-tui` line. */
const PROGRESS = /^\[[^\]]+\] (\d+)\/(\d+)/;

function readHwmKiB(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /VmHWM:\s+(\d+)\s+kB/.exec(status);

    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

export function measure(
  command: string,
  args: string[],
  options: {
    timeoutMs?: number;
    cwd?: string;
    /** Use GNU time (default: when /usr/bin/time exists). */
    gnuTime?: boolean;
  } = {},
): Promise<Measured> {
  const gnuTime = options.gnuTime ?? existsSync(GNU_TIME);
  // GNU time writes its report to a file of its own (-o), so the child's
  // stderr stays the child's.
  const report = join(tmpdir(), `sharpsweep-time-${process.pid}-${++runs}`);
  const [cmd, argv] = gnuTime
    ? [GNU_TIME, ['-v', '-o', report, command, ...args]]
    : [command, args];
  const started = performance.now();
  // With a timeout the child gets its own process group, so SIGINT
  // reaches sharpsweep itself (GNU time ignores it) and stops it cleanly.
  const child = spawn(cmd, argv, {
    cwd: options.cwd,
    detached: options.timeoutMs !== undefined,
  });
  let stopped = false;
  let stdout = '';
  let stderr = '';
  let pending = '';
  let hwm: number | null = null;
  const progress: Array<[number, number]> = [];

  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop()!;
    const now = (performance.now() - started) / 1000;
    for (const line of lines) {
      const match = PROGRESS.exec(line);
      if (match) progress.push([now, Number(match[1])]);
    }
  });
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));

  // Without GNU time the child is the measured process itself.
  const poll = gnuTime
    ? undefined
    : setInterval(() => {
        const value = readHwmKiB(child.pid!);
        if (value !== null) hwm = Math.max(hwm ?? 0, value);
      }, 100);
  const timeout = options.timeoutMs
    ? setTimeout(() => {
        stopped = true;
        process.kill(-child.pid!, 'SIGINT');
      }, options.timeoutMs)
    : undefined;

  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (poll) clearInterval(poll);
      if (timeout) clearTimeout(timeout);
      const wallMs = performance.now() - started;
      const gnu = gnuTime ? readGnuTime(report) : null;
      const kib = gnu ? gnu.kib : hwm;
      resolve({
        wallMs,
        exitCode: code,
        stopped,
        peakRssMiB: kib === null ? null : kib / 1024,
        rssSource: gnuTime ? '/usr/bin/time -v' : 'polled VmHWM',
        cpuPercent: gnu?.cpu ?? null,
        stdout,
        stderr,
        progress,
      });
    });
  });
}

/**
 * Trials per second over the first and the last `fraction` of the
 * progress lines: a rate that falls as the database grows shows up here.
 */
export function rateAtEnds(
  progress: Array<[number, number]>,
  fraction = 0.1,
): { early: number | null; late: number | null } {
  const n = progress.length;
  const span = Math.max(1, Math.floor(n * fraction));
  const rate = (a: [number, number], b: [number, number]) =>
    b[0] > a[0] ? (b[1] - a[1]) / (b[0] - a[0]) : null;
  if (n < 2 * span + 1) return { early: null, late: null };

  return {
    early: rate(progress[0], progress[span]),
    late: rate(progress[n - 1 - span], progress[n - 1]),
  };
}
