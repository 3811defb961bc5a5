export * from './operator.js';
export * from './exact.js';
export * from './hessian.js';
export * from './rankOne.js';
export * from './closedForms.js';
export * from './report.js';
