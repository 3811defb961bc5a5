import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { cliPath, repoRoot, tempDir } from './helpers.js';

/**
 * Runs `sharpsweep plan <path>` with a short timeout: reading a device or
 * a pipe would block forever, so a hang shows up as a timeout, not a stuck
 * test run.
 */
function plan(path: string) {
  return spawnSync(process.execPath, [cliPath, 'plan', path], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, FORCE_COLOR: '0' },
  });
}

function expectNotRegular(path: string, kind: string): void {
  const result = plan(path);
  const context = `stderr: ${result.stderr}`;
  expect(result.error, context).toBeUndefined();
  expect(result.status, context).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr).toContain(path);
  expect(result.stderr).toContain(`is not a regular file (${kind})`);
  expect(result.stderr).toContain('pass the .yaml sweep file');
}

describe('plan refuses sweep paths that are not regular files', () => {
  const dir = tempDir('sharpsweep-plan-input-');

  it.runIf(existsSync('/dev/zero'))('a character device', () => {
    expectNotRegular('/dev/zero', 'a character device');
  });

  it.runIf(existsSync('/dev/zero'))('a symlink to a device', () => {
    const link = join(dir, 'zero.yaml');
    symlinkSync('/dev/zero', link);
    expectNotRegular(link, 'a character device');
  });

  it('a named pipe nobody writes to', () => {
    const fifo = join(dir, 'pipe.yaml');
    execFileSync('mkfifo', [fifo]);
    expectNotRegular(fifo, 'a named pipe');
  });

  it('still reads a symlink to a regular sweep file', () => {
    const file = join(dir, 'real.yaml');
    writeFileSync(
      file,
      'name: linked\ngrid:\n  depth: [2]\n  width: [1]\n' +
        '  target: [{kind: gaussian, scale: 1}]\n' +
        '  minimizer: [{family: balanced}]\n  radius: [1e-9]\n' +
        '  direction: [top]\n  stepRatio: [0.5]\n  maxSteps: [10]\n',
    );
    const link = join(dir, 'link.yaml');
    symlinkSync(file, link);
    const result = plan(link);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('trials: 1');
  });
});
