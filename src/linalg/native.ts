/**
 * Loader for the optional native matrix kernels (native/, a Node-API addon
 * built by `npm ci`/`npm install` with node-gyp). Loading fails soft: when
 * the addon is missing, cannot load here, or `SHARPSWEEP_NATIVE=0` is set,
 * `nativeGemm` is null and kernels.ts keeps to its JavaScript loops.
 *
 * `SHARPSWEEP_NATIVE` may also name one instruction set (`avx512`, `avx2`,
 * `scalar`) to force that native variant, for comparisons; unset, the addon
 * picks the widest one the CPU supports.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * c (+)= alpha · op(a) · op(b) on row-major arrays; form 0: a·b (a m×k,
 * b k×n), 1: aᵀ·b (a k×m), 2: a·bᵀ (b n×k). c must not alias a or b.
 */
export type NativeGemm = (
  c: Float64Array,
  a: Float64Array,
  b: Float64Array,
  m: number,
  n: number,
  k: number,
  form: 0 | 1 | 2,
  alpha: number,
  accumulate: boolean,
) => void;

interface Addon {
  isa: string;
  gemm: NativeGemm;
  variants: Record<string, NativeGemm>;
}

export interface KernelInfo {
  /** Which kernels the products above the size threshold use. */
  kind: 'native' | 'js';
  /** Instruction set of the native kernels (`avx512`, `avx2`, `scalar`). */
  isa: string | null;
  /** Why the JavaScript kernels are in use, when they are. */
  reason: string | null;
  /** Every native variant this CPU supports, for tests and benchmarks. */
  variants: Record<string, NativeGemm>;
}

export const ADDON_FILE = join(
  'native',
  'build',
  'Release',
  'sharpsweep_native.node',
);

/** The package root: the nearest ancestor directory with a package.json. */
function packageRoot(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }

  return null;
}

function load(): KernelInfo {
  const setting = (process.env.SHARPSWEEP_NATIVE ?? '').trim().toLowerCase();
  const js = (reason: string): KernelInfo => ({
    kind: 'js',
    isa: null,
    reason,
    variants: {},
  });
  if (setting === '0' || setting === 'off' || setting === 'false') {
    return js('SHARPSWEEP_NATIVE=0');
  }
  const root = packageRoot();
  const file = root === null ? null : join(root, ADDON_FILE);
  if (file === null || !existsSync(file)) {
    return js('native addon not built');
  }
  let addon: Addon;
  try {
    addon = createRequire(import.meta.url)(file) as Addon;
  } catch (err) {
    return js(`native addon failed to load: ${(err as Error).message}`);
  }
  const variants = { ...addon.variants };
  if (setting !== '' && setting !== '1' && setting !== 'on') {
    const forced = variants[setting];
    if (forced === undefined) {
      return js(
        `SHARPSWEEP_NATIVE=${setting} is not a supported variant ` +
          `(${Object.keys(variants).join(', ')})`,
      );
    }
    return { kind: 'native', isa: setting, reason: null, variants };
  }

  return { kind: 'native', isa: addon.isa, reason: null, variants };
}

export const kernelInfo: Readonly<KernelInfo> = load();

/** The native product the dispatcher uses, or null for JavaScript only. */
export const nativeGemm: NativeGemm | null =
  kernelInfo.isa === null ? null : (kernelInfo.variants[kernelInfo.isa] ?? null);

/** One line for `--version`, logs and benchmark headers. */
export function kernelDescription(): string {
  return kernelInfo.kind === 'native'
    ? `native ${kernelInfo.isa}`
    : `js (${kernelInfo.reason})`;
}
