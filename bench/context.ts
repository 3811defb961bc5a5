/**
 * What every benchmark section needs to know about the run: mode, scratch
 * folder, which Python peers are importable (and with which interpreter),
 * and the machine facts printed at the top of the report.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg, totalmem } from 'node:os';

import { kernelDescription, NATIVE_MIN_WORK } from '../src/linalg/index.js';
import { findInterpreter, type Interpreter, ROOT, runPeer } from './python.js';

export interface BenchContext {
  quick: boolean;
  /** Epoch ms by which the whole run should be done (the time budget). */
  deadline: number;
  /** Fixed cap of the million-trial run (--million-minutes), if given. */
  millionCapMs?: number;
  /** Scratch folder, removed at the end. */
  tmp: string;
  numpy: Interpreter | null;
  torch: Interpreter | null;
  optuna: Interpreter | null;
  /** BLAS library, core type and threads NumPy uses in the peer runs. */
  blas: string;
  /** Why PyTorch / Optuna are missing or where they came from. */
  torchNote: string;
  optunaNote: string;
}

interface BlasInfo {
  numpy: string;
  source: string | null;
  pools?: Array<Record<string, unknown>>;
}

function describeBlas(numpy: Interpreter | null): string {
  if (numpy === null) return 'NumPy not importable';
  const info = runPeer<BlasInfo>(numpy.exe, 'numpy_gd.py', ['info']).value;
  if (!info.pools?.length) return 'BLAS not identified';
  const pools = info.pools.map((p) =>
    [p.internal_api, p.version, `kernel ${p.architecture}`,
      `${p.num_threads} thread(s)`].join(', '),
  );

  return `BLAS as reported by ${info.source}: ${pools.join('; ')}`;
}

function peerNote(module: string, found: Interpreter | null): string {
  if (found === null) {
    return (
      `\`python3 -c "import ${module}"\` fails and so does ` +
      `/usr/bin/python3 (Debian: \`apt-get install -y python3-${module}\`)`
    );
  }
  if (found.exe !== 'python3') {
    return (
      `${module} ${found.version} from Debian's package, run with ` +
      `${found.exe} (the default python3 cannot import it)`
    );
  }

  return `${module} ${found.version}`;
}

export function createContext(
  quick: boolean,
  tmp: string,
  deadline: number,
  millionCapMs?: number,
): BenchContext {
  const numpy = findInterpreter('numpy');
  const torch = findInterpreter('torch');
  const optuna = findInterpreter('optuna');

  return {
    quick,
    deadline,
    millionCapMs,
    tmp,
    numpy,
    torch,
    optuna,
    blas: describeBlas(numpy),
    torchNote: peerNote('torch', torch),
    optunaNote: peerNote('optuna', optuna),
  };
}

function cpuModel(): string {
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const line = info.split('\n').find((l) => l.startsWith('model name'));

    return line?.split(':')[1]?.trim() ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function gitHead(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: ROOT,
      encoding: 'utf8',
    }).trim();
  } catch {
    return 'unknown';
  }
}

function versionOf(name: string, found: Interpreter | null): string {
  return found ? `${name} ${found.version} (${found.exe})` : `${name} missing`;
}

/** Lines of the report header: machine, versions, date, load. */
export function machineLines(ctx: BenchContext, started: Date): string[] {
  const gib = (totalmem() / 2 ** 30).toFixed(1);
  const env = ['OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE']
    .map((k) => `${k}=${process.env[k] ?? '(unset)'}`)
    .join(', ');

  return [
    `- date: ${started.toISOString()} (mode: ${ctx.quick ? 'quick' : 'full'})`,
    `- machine: ${cpuModel()}, ${availableParallelism()} cores, ${gib} GiB`,
    `- load average at start (1/5/15 min): ` +
      loadavg().map((l) => l.toFixed(2)).join(' / '),
    `- sharpsweep commit ${gitHead()}, node ${process.version}`,
    `- sharpsweep matrix kernels: ${kernelDescription()} for products of ` +
      `≥ ${NATIVE_MIN_WORK} multiply-adds, JavaScript below`,
    `- ${versionOf('numpy', ctx.numpy)}, ${versionOf('torch', ctx.torch)}, ` +
      versionOf('optuna', ctx.optuna),
    `- environment: ${env}; peers run with both unset and one BLAS thread`,
  ];
}
