// The agent pipeline: options and defaults, the guards (filter, hop limit, size, schema,
// budget), the breaker gate, the retry decision, the committer and the runner that wires them.
export {
  AGENT_DEFAULTS,
  PIPELINE_DEFAULTS,
  resolveAgent,
  resolvePipelineOptions,
} from './options.js';
export type { PipelineOptions, ResolvedAgent, ResolvedPipelineOptions } from './options.js';
export { matchesSubscriptions, valueAtPath } from './filter.js';
export { checkHops } from './hop-guard.js';
export { checkSize, eventBytes } from './size-guard.js';
export { SchemaRegistry } from './schema-guard.js';
export { budgetRejection } from './budget.js';
export type { BudgetContext } from './budget.js';
export { BreakerGate } from './breaker-gate.js';
export type { BreakerGateOptions, GateTicket } from './breaker-gate.js';
export { decideFailure } from './retry-decision.js';
export type { FailureDecision } from './retry-decision.js';
export { createCommitter, deriveEmissions, undeclaredTypes } from './committer.js';
export type { Committer, CommitterOptions, Settlement, SettleResult } from './committer.js';
export type { Rejection } from './rejection.js';
export { SystemEventType, deadLetteredEvent, systemEvent } from './system-events.js';
export type { DeadLetteredData } from './system-events.js';
export { SYSTEM_SINK_GROUP, startSystemEventSink } from './system-event-sink.js';
export type { SystemEventSink, SystemEventSinkOptions } from './system-event-sink.js';
export { NodeSlots } from './node-slots.js';
export { reportOutcome } from './outcome-hook.js';
export type { HandlingOutcome, OutcomeListener, OutcomeSettlement } from './outcome-hook.js';
export { AgentRunner } from './agent-runner.js';
export type {
  AgentCounters,
  AgentRunnerOptions,
  AgentStatus,
  RunnerState,
} from './agent-runner.js';
