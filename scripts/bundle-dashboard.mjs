/**
 * Bundles the dashboard (src/dash/start.tsx as compiled by tsc, with Ink,
 * React and their dependencies) into dist/src/dash/start.bundle.js.
 *
 * Why: `sharpsweep run` loads the dashboard while its workers compute.
 * As separate modules that is about 550 files (one dependency of Ink
 * alone brings 415) and half a second of the main thread, which then
 * cannot hand the workers their next batches; one bundled file loads in
 * about a fifth of that. React's production build is selected at bundle
 * time. The loader (src/dash/load.ts) falls back to the modules when the
 * bundle is missing or older than them, so this step is an optimisation,
 * never a requirement.
 *
 * The bundler, rolldown, comes with vitest (a development dependency).
 */
import { existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'dist', 'src', 'dash');
const entry = join(outDir, 'start.js');
const bundle = join(outDir, 'start.bundle.js');

if (!existsSync(entry)) {
  console.error(`bundle-dashboard: ${entry} is missing; run tsc first`);
  process.exit(1);
}

let build;
try {
  ({ build } = await import('rolldown'));
} catch (error) {
  // Without the bundler the dashboard still works, only slower to start.
  rmSync(bundle, { force: true });
  console.warn(
    'bundle-dashboard: rolldown is not installed (it comes with the ' +
      'development dependencies); the dashboard loads as separate modules.',
  );
  process.exit(0);
}

await build({
  input: { 'start.bundle': entry },
  platform: 'node',
  transform: { define: { 'process.env.NODE_ENV': '"production"' } },
  // Native and Node modules stay outside; React's devtools (a chunk
  // loaded only when Ink's DEV variable is set) are not installed.
  external: [/^node:/, 'better-sqlite3', 'react-devtools-core'],
  output: {
    dir: outDir,
    format: 'esm',
    entryFileNames: '[name].js',
    chunkFileNames: 'bundle-[name].js',
  },
  logLevel: 'warn',
});
