export * from './streams.js';
export * from './targets.js';
export * from './families.js';
export * from './targeted.js';
export * from './build.js';
