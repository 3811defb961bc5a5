import type { Command } from './types.js';

interface LazyCommand {
  summary: string;
  load(): Promise<Command>;
}

// Commands load on demand: `sharpsweep escape` should not pay for SQLite,
// YAML, Ink or BullMQ at start-up.
export const commands: Record<string, LazyCommand> = {
  run: {
    summary: 'run or resume a sweep, storing every trial in SQLite',
    load: async () => (await import('./run.js')).runCommand,
  },
  plan: {
    summary: 'validate a sweep file and estimate its size and cost',
    load: async () => (await import('./plan.js')).planCommand,
  },
  status: {
    summary: 'progress of every sweep in a database',
    load: async () => (await import('./status.js')).statusCommand,
  },
  query: {
    summary: 'read-only SQL over the stored trials (table or JSON)',
    load: async () => (await import('./query.js')).queryCommand,
  },
  sharpness: {
    summary: 'exact sharpness, closed forms and bounds at given factors',
    load: async () => (await import('./sharpness.js')).sharpnessCommand,
  },
  escape: {
    summary: 'run one gradient-descent escape trial from given factors',
    load: async () => (await import('./escape.js')).escapeCommand,
  },
  dash: {
    summary: 'live terminal dashboard over a database (read-only)',
    load: async () => (await import('./dash.js')).dashCommand,
  },
  plot: {
    summary: 'figures (SVG or PNG) of a sweep or of closed forms',
    load: async () => (await import('./plot.js')).plotCommand,
  },
  worker: {
    summary: 'run trials for a distributed sweep from Redis',
    load: async () => (await import('./worker.js')).workerCommand,
  },
};
