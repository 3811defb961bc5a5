export * from './chain.js';
export * from './gradient.js';
export * from './hessian.js';
