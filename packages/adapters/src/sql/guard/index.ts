// The SQL guard's public surface: the composed guard and each layer, so callers (and tests) can
// run one layer on its own.
export { guardSelect } from './guard.js';
export type { GuardOptions, GuardedQuery } from './guard.js';
export { parseSelect } from './parse.js';
export type { ParsedSelect } from './parse.js';
export { checkTables, collectTableRefs, isSystemCatalog, tableKey } from './tables.js';
export type { TableRef } from './tables.js';
export { checkFunctions, isDeniedFunction } from './functions.js';
export { planRowCap, explicitLimit, wrapWithLimit } from './row-cap.js';
export type { RowCapPlan, ExplicitLimit } from './row-cap.js';
export { lexSql } from './lexer.js';
export type { LexResult } from './lexer.js';
