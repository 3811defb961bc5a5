/**
 * Running the Python peers. Each peer script prints one JSON object as
 * its last line of stdout; anything else it prints is ignored.
 *
 * The NumPy peers run as `env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE
 * OPENBLAS_NUM_THREADS=1 …`: the machine may pin an old OpenBLAS core
 * type (slow for a current NumPy), and we compare single cores.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/**
 * The repository root: the nearest folder above this module with a
 * package.json (this file runs from dist/bench/ and, in tests, bench/).
 */
export const ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));

function findRoot(start: string): string {
  let dir = start;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = resolve(dir, '..');
    if (parent === dir) return start;
    dir = parent;
  }

  return dir;
}

export const PEERS = join(ROOT, 'bench', 'peers');

/** Environment prefix of every peer command (see the file comment). */
export const PEER_ENV = [
  '-u', 'OPENBLAS_CORETYPE',
  '-u', 'OPENBLAS_L2_SIZE',
  'OPENBLAS_NUM_THREADS=1',
  'OMP_NUM_THREADS=1',
  'MKL_NUM_THREADS=1',
];

/** A Python interpreter that can import a given module. */
export interface Interpreter {
  exe: string;
  /** The module's `__version__`. */
  version: string;
}

/**
 * The first of `python3` (the machine's default) and `/usr/bin/python3`
 * (Debian's, where `apt-get install python3-…` puts packages) that
 * imports `module`, or null.
 */
export function findInterpreter(module: string): Interpreter | null {
  const code = `import ${module}; print(${module}.__version__)`;
  for (const exe of ['python3', '/usr/bin/python3']) {
    const probe = spawnSync('env', [...PEER_ENV, exe, '-c', code], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (probe.status === 0) {
      return { exe, version: probe.stdout.trim().split('\n').pop()! };
    }
  }

  return null;
}

export interface PeerRun<T> {
  value: T;
  /** Wall time of the whole process, startup included. */
  wallMs: number;
}

/** Runs `bench/peers/<script>` and parses its JSON answer. */
export function runPeer<T>(
  interpreter: string,
  script: string,
  args: string[],
  timeoutMs = 600_000,
): PeerRun<T> {
  const started = performance.now();
  const child = spawnSync(
    'env',
    [...PEER_ENV, interpreter, join(PEERS, script), ...args],
    { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 << 20 },
  );
  const wallMs = performance.now() - started;

  if (child.status !== 0) {
    const why = child.error?.message ?? child.stderr.trim().slice(-800);
    throw new Error(`peer ${script} ${args.join(' ')} failed: ${why}`);
  }
  const last = child.stdout.trim().split('\n').pop() ?? '';

  return { value: JSON.parse(last) as T, wallMs };
}

/** The command line of a peer run, as printed in the report. */
export function peerCommand(interpreter: string, script: string): string {
  return `env ${PEER_ENV.join(' ')} ${interpreter} bench/peers/${script}`;
}

/**
 * A peer kept running in `serve` mode: one JSON request per line in, one
 * JSON answer per line out. Rounds can then alternate with ours without
 * paying the interpreter's imports (seconds for torch) every time.
 */
export class PeerSession {
  private readonly child: ChildProcess;
  private readonly answers: string[] = [];
  private waiting: ((line: string | null) => void) | null = null;
  private stderr = '';
  private closed = false;

  constructor(interpreter: string, script: string) {
    this.child = spawn(
      'env',
      [...PEER_ENV, interpreter, join(PEERS, script), 'serve'],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    this.child.stderr!.setEncoding('utf8').on('data', (c: string) => {
      this.stderr = (this.stderr + c).slice(-2000);
    });
    const lines = createInterface({ input: this.child.stdout! });
    lines.on('line', (line) => this.deliver(line));
    lines.on('close', () => this.deliver(null));
  }

  private deliver(line: string | null): void {
    if (line === null) this.closed = true;
    const waiting = this.waiting;
    this.waiting = null;
    if (waiting) waiting(line);
    else if (line !== null) this.answers.push(line);
  }

  async request<T>(body: object): Promise<T> {
    if (this.closed && this.answers.length === 0) {
      throw new Error(`peer exited: ${this.stderr.trim()}`);
    }
    this.child.stdin!.write(JSON.stringify(body) + '\n');
    const line =
      this.answers.shift() ??
      (await new Promise<string | null>((r) => (this.waiting = r)));
    if (line === null) {
      throw new Error(`peer exited: ${this.stderr.trim()}`);
    }

    return JSON.parse(line) as T;
  }

  close(): void {
    this.child.stdin!.end();
  }
}
