/**
 * Sub-stream ids for `derive(trialSeed, stream)`: each random choice of a
 * trial draws from its own stream, so changing e.g. the direction kind
 * never changes the target or the factors drawn for the same seed.
 */
export const STREAM = {
  target: 1,
  factors: 2,
  direction: 3,
} as const;
