// Builds the optional native matrix kernels (native/build/Release/
// sharpsweep_native.node) with node-gyp. Run by `npm install`/`npm ci` and
// before `npm run build`/`npm test`; does nothing when the addon is newer
// than its sources. A failed build never fails the caller: it prints one
// warning and sharpsweep uses its JavaScript kernels.
//
//   node native/build.mjs [--force]
//
// SHARPSWEEP_NATIVE=0 skips the build.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const addon = join(here, 'build', 'Release', 'sharpsweep_native.node');
const log = join(here, 'build', 'build.log');
const force = process.argv.includes('--force');

function warn(reason) {
  process.stderr.write(
    `sharpsweep: warning: native kernels not built (${reason}); ` +
      'using the slower JavaScript kernels.\n',
  );
}

function sourcesNewerThan(target) {
  if (!existsSync(target)) return true;
  const built = statSync(target).mtimeMs;
  const sources = [
    join(here, 'binding.gyp'),
    ...readdirSync(join(here, 'src')).map((f) => join(here, 'src', f)),
  ];
  return sources.some((f) => statSync(f).mtimeMs > built);
}

/** node-gyp's entry script: npm's own copy, found as npm documents it. */
function nodeGyp() {
  const fromNpm = process.env.npm_config_node_gyp;
  if (fromNpm && existsSync(fromNpm)) return fromNpm;
  const candidates = [];
  if (process.env.npm_execpath) {
    candidates.push(join(dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  }
  const prefix = dirname(dirname(process.execPath));
  candidates.push(join(prefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  for (const c of candidates) {
    if (existsSync(c)) return realpathSync(c);
  }
  return null;
}

function main() {
  const setting = (process.env.SHARPSWEEP_NATIVE ?? '').trim().toLowerCase();
  if (setting === '0' || setting === 'off' || setting === 'false') return;
  if (!force && !sourcesNewerThan(addon)) return;
  const gyp = nodeGyp();
  if (gyp === null) {
    warn('node-gyp not found');
    return;
  }
  const args = [gyp, 'rebuild', '--release'];
  // Headers of the running Node, when installed beside it, spare node-gyp
  // a download (and make offline builds work).
  const prefix = dirname(dirname(process.execPath));
  if (!process.env.npm_config_nodedir && existsSync(join(prefix, 'include', 'node', 'node_api.h'))) {
    args.push(`--nodedir=${prefix}`);
  }
  const run = spawnSync(process.execPath, args, {
    cwd: here,
    encoding: 'utf8',
    env: process.env,
  });
  const output = `${run.stdout ?? ''}${run.stderr ?? ''}${run.error ? String(run.error) : ''}`;
  try {
    mkdirSync(dirname(log), { recursive: true });
    writeFileSync(log, output);
  } catch {
    // The log is a convenience; the warning below still says what failed.
  }
  if (run.status !== 0 || !existsSync(addon)) {
    warn(`node-gyp exited with ${run.status ?? run.signal}; see ${log}`);
  }
}

try {
  main();
} catch (err) {
  warn(err instanceof Error ? err.message : String(err));
}
