export * from './mat.js';
export * from './kernels.js';
export * from './vec.js';
export * from './rng.js';
export * from './decomp.js';
export * from './lanczos.js';
export * from './native.js';
