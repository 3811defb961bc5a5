// Worker-thread side of the local executor (piscina loads this file).
import { executeTask } from './execute.js';
import type { TrialOutcomeMessage, TrialTask } from './protocol.js';

export default function runTask(task: TrialTask): TrialOutcomeMessage {
  return executeTask(task);
}
