// Public API of the manifest contract: types, the JSON Schema, the loader, per-document
// validation, static analysis of the choreography graph and its renderings.
export * from './types.js';
export {
  manifestSchema,
  DNS_LABEL_PATTERN,
  TOOL_NAME_PATTERN,
  EVENT_TYPE_PATTERN,
  ENV_REF_PATTERN,
} from './schema.js';
export { DiagnosticCode } from './diagnostic-codes.js';
export type { ManifestSet } from './manifest-set.js';
export {
  agents,
  byKind,
  eventTypes,
  findManifest,
  hasErrors,
  mergeManifestSets,
} from './manifest-set.js';
export { parseManifestText, DEFAULT_MAX_FILE_BYTES, type ParseOptions } from './parse-text.js';
export { loadManifests, type LoadOptions } from './load.js';
export { analyzeManifests } from './analyze.js';
export { validateManifests, validateSet, type ValidationResult } from './validate.js';
export {
  buildGraph,
  SYSTEM_EVENT_PREFIX,
  type ChoreographyGraph,
  type EdgeRole,
  type GraphEdge,
  type GraphEventType,
  type GraphParticipant,
  type ParticipantKind,
} from './graph.js';
export { findAgentCycles, formatCycle, type AgentCycle } from './cycles.js';
export { renderMermaid, renderDot, renderGraphData, type GraphData } from './render.js';
export { formatDiagnostic, countDiagnostics } from './format.js';
export { checkJsonSchema, WHERE_ROOTS, type SchemaProblem } from './document-checks.js';
export { EVENT_ROOTS } from './event-paths.js';
export { toolEmits } from './agent-tool-checks.js';
export {
  checkTemplateArguments,
  renderTemplateArguments,
  type RenderedArguments,
  type TemplateMiss,
  type TemplateProblem,
} from './templates.js';
export { closestMatch, didYouMean, levenshtein } from './did-you-mean.js';
