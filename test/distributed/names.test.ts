import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { OptionError } from '../../src/errors.js';
import {
  parseTaskJobId,
  resultsQueueName,
  sweepScope,
  taskJobId,
  taskQueueName,
  threadsOfWorker,
  workerName,
} from '../../src/run/distributed/names.js';
import { repoRoot } from './harness.js';

describe('names in Redis', () => {
  it('pin the trials queue to the version in package.json', () => {
    const { version } = JSON.parse(
      readFileSync(join(repoRoot, 'package.json'), 'utf8'),
    ) as { version: string };
    expect(taskQueueName()).toBe(`sharpsweep-${version}`);
    expect(taskQueueName('team-a')).toBe(`team-a-${version}`);
    expect(() => taskQueueName('a:b')).toThrow(OptionError);
  });

  it('give one sweep two scopes in two databases, one in one', () => {
    const a = sweepScope('s', '/data/a.sqlite');
    expect(sweepScope('s', '/data/a.sqlite')).toBe(a);
    expect(sweepScope('s', '/data/b.sqlite')).not.toBe(a);
    expect(a).toMatch(/^s@[0-9a-f]{8}$/);
    expect(resultsQueueName('q', a)).toContain(a);
  });

  it('make job ids BullMQ accepts and that parse back', () => {
    const id = taskJobId('my.sweep-1@0123abcd', 'f'.repeat(32));
    // BullMQ refuses custom ids with ":" and ids that are integers.
    expect(id).not.toContain(':');
    expect(parseTaskJobId(id)).toEqual({
      scope: 'my.sweep-1@0123abcd',
      key: 'f'.repeat(32),
    });
    expect(parseTaskJobId('12')).toBeUndefined();
  });

  it('read the thread count back from a BullMQ connection name', () => {
    // BullMQ names a worker's blocking connection
    // `<prefix>:<base64 queue name>:w:<worker name>`.
    const name = workerName(6);
    expect(name).not.toMatch(/\s/);
    expect(name).toContain(hostname().replace(/[^A-Za-z0-9._-]/g, '_'));
    expect(threadsOfWorker(`bull:c2hhcnA=:w:${name}`)).toBe(6);
    expect(threadsOfWorker('bull:c2hhcnA=:w:someone-else')).toBe(0);
    expect(threadsOfWorker('bull:c2hhcnA=')).toBe(0);
  });
});
