/**
 * The sweep planner: validation of sweep files and command inputs,
 * streaming expansion into trial specs, and content keys.
 */
export { loadSweepFile, parseSweep } from './load.js';
export {
  createPlan,
  sampleIndices,
  stepFlops,
  type PlanEstimate,
  type PlannedTrial,
  type SweepPlan,
} from './plan.js';
export { canonicalJson, canonicalSpec, trialKey } from './keys.js';
export { describeTrial } from './describe.js';
export { AXIS_ORDER } from './expand.js';
export type { GridDefinition, SweepDefinition } from './schema.js';
export {
  parseEscapeInput,
  parseSharpnessInput,
  type EscapeInput,
  type SharpnessInput,
} from './input.js';
