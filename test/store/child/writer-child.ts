/**
 * The writer side of the concurrency test: stores trials in batches,
 * re-adding some keys, until the parent says stop (or `<most ms>` pass),
 * then reports what it did.
 * Usage: node --import ./register.mjs writer-child.ts <db> <most ms>
 */
import { openWriter } from '../../../src/store/index.js';
import { failedTrial, reference, referenceTrial } from '../fixtures.js';

const [file, duration] = process.argv.slice(2);
const send = (message: object) =>
  new Promise<void>((done) => process.send!(message, () => done()));
const tick = () => new Promise<void>((done) => setImmediate(done));

let stopping = false;
process.on('message', (message: { type: string }) => {
  if (message.type === 'stop') stopping = true;
});
process.on('disconnect', () => (stopping = true));

async function main() {
  const writer = openWriter(file, { batchSize: 64 });
  const sweepId = writer.registerSweep({
    name: 'busy', definition: { concurrency: true }, total: 1_000_000,
  });
  const runId = writer.startRun({ sweepId, executor: 'local', workers: 1 });
  const keys = new Set<string>();
  const failed = new Set<string>();
  let added = 0;

  const addOne = (i: number) => {
    const key = `trial-${i}`;
    const trial = i % 10 === 3
      ? failedTrial(sweepId, key)
      : referenceTrial(sweepId, key, reference.escapes[i % 5]);
    writer.add(trial);
    keys.add(key);
    if (trial.error !== undefined) failed.add(key);
    added += 1;
  };

  for (let i = 0; i < 64; i++) addOne(i);
  writer.flush();
  await send({ type: 'ready', sweepId });

  const deadline = Date.now() + Number(duration);
  let next = 64;
  while (!stopping && Date.now() < deadline) {
    for (let j = 0; j < 50; j++) {
      // Every fifth add repeats an earlier key: it must change nothing.
      addOne(j % 5 === 0 ? Math.floor(next / 2) : next++);
    }
    writer.heartbeat(runId, { busy: 1, completed: keys.size, rate: null });
    await tick();
  }

  writer.endRun(runId, 'done');
  const progress = writer.progress(sweepId);
  writer.close();
  await send({
    type: 'done',
    added,
    distinct: keys.size,
    distinctFailed: failed.size,
    progress,
  });
  process.disconnect();
}

main().catch(async (error: Error & { code?: string }) => {
  await send({ type: 'error', message: error.message, code: error.code });
  process.exitCode = 1;
  process.disconnect();
});
