// The runtime node: createRuntime (apply / publish / waitFor / agents / close), the
// reconciliation plan and the outcome wait it is built from.
export { createRuntime, defaultNodeId } from './runtime.js';
export type {
  ApplyResult,
  CreateRuntimeInput,
  PublishOptions,
  Runtime,
  RuntimeOptions,
} from './runtime.js';
export { agentFingerprint, planReconcile } from './reconcile.js';
export type { ReconcilePlan } from './reconcile.js';
export { waitForEvent } from './wait-for.js';
export type { PendingWait } from './wait-for.js';
