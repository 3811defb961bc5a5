export type * from './spec.js';
export * from './options.js';
export * from './earlyStop.js';
export * from './trajectory.js';
export * from './gd.js';
export * from './run.js';
export * from './trial.js';
