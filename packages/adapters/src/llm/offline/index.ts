// Public surface of the offline NL→SQL translator (the embedded default of `type: llm`
// connections with `baseUrl: offline`). What it answers is documented in README.md here.
export {
  createOfflineTranslator,
  discoverTranslatorInputs,
  DEFAULT_MAX_QUESTION_LENGTH,
  DEFAULT_MAX_VALUES,
} from './translator.js';
export type {
  OfflineTranslator,
  OfflineTranslatorOptions,
  TranslatorInputs,
} from './translator.js';
export type { SemanticModel, EntityDef, DimensionDef, MeasureDef, DateColumn } from './model.js';
export { findTimeWindows } from './time-window.js';
export type { DateWindow, WindowMatch } from './time-window.js';
