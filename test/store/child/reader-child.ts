/**
 * A reader of the concurrency test: queries the database in a loop while
 * the writer runs, checking each snapshot, and reports what it saw.
 * Usage: node --import ./register.mjs reader-child.ts <db> <sweep> <ms>
 */
import { openReader, type StoreReader } from '../../../src/store/index.js';

const [file, sweepName, duration] = process.argv.slice(2);
const send = (message: object) =>
  new Promise<void>((done) => process.send!(message, () => done()));
const tick = () => new Promise<void>((done) => setImmediate(done));
const MIN_ROUNDS = 20;

/** Counters and the rows behind them, read in one statement. */
const SNAPSHOT = `
  SELECT s.id, s.done, s.failed,
    (SELECT count(*) FROM trial_results t WHERE t.sweep_id = s.id) AS rows,
    (SELECT count(*) FROM trial_results t
     WHERE t.sweep_id = s.id AND t.outcome = 'failed') AS failedRows
  FROM sweeps s WHERE s.name = ?`;

async function main() {
  const errors: string[] = [];
  const seen = new Set<number>();
  let queries = 0;
  let monotonic = true;
  let consistent = true;
  let last = 0;
  let reader: StoreReader | undefined;

  let deadline = Infinity;
  // At least MIN_ROUNDS however slow the machine, so the checks mean
  // something on a loaded two-core CI runner too.
  for (let round = 0; round < MIN_ROUNDS || Date.now() < deadline;
    round++) {
    try {
      // Reopen now and then: opening must not disturb the writer either.
      if (round % 25 === 0) {
        reader?.close();
        reader = openReader(file);
      }
      const [row] = reader!.query(SNAPSHOT, [sweepName]) as {
        id: number; done: number; failed: number; rows: number;
        failedRows: number;
      }[];
      const [summary] = reader!.listSweeps();
      const outcomes = Object.values(summary.outcomes)
        .reduce((a, b) => a + b, 0);
      reader!.trials(row.id, { desc: true, limit: 20 });
      reader!.outcomesByRatio(row.id, 'depth', [0, 1, 2]);
      queries += 4;

      consistent &&= row.done === row.rows &&
        row.failed === row.failedRows && outcomes === summary.done;
      monotonic &&= row.done >= last && summary.done >= row.done;
      last = summary.done;
      seen.add(row.done);
    } catch (error) {
      const { code, message } = error as Error & { code?: string };
      errors.push(`${code ?? 'ERROR'}: ${message}`);
    }
    if (round === 0) {
      // Measure from the first read, once the slow start-up is over.
      deadline = Date.now() + Number(duration);
      await send({ type: 'ready' });
    }
    await tick();
  }
  reader?.close();

  await send({ type: 'done', queries, errors, monotonic, consistent,
    distinctCounts: seen.size, last });
  process.disconnect();
}

main().catch(async (error: Error) => {
  await send({ type: 'done', queries: 0, errors: [error.message],
    monotonic: false, consistent: false, distinctCounts: 0, last: 0 });
  process.disconnect();
});
