// Public surface of the SQL adapter: connections from `Connection` specs, the guarded client,
// schema introspection and the guard's layers.
export { createSqlConnection, SqlClient, DEFAULT_ROW_LIMIT, DEFAULT_TIMEOUT_MS } from './client.js';
export type { CreateSqlConnectionOptions, SelectOptions, SqlClientOptions } from './client.js';
export { knexConfigFor, resolveSecret } from './connection.js';
export type { SqlConnectionOptions } from './connection.js';
export { dialectOf } from './dialect.js';
export type { SqlDialect } from './dialect.js';
export type { GuardLayer, SqlErrorKind } from './errors.js';
export type { SelectResult } from './exec/types.js';
export {
  introspect,
  listUserTables,
  DEFAULT_SAMPLES,
  DEFAULT_MAX_SAMPLE_LENGTH,
} from './introspect/index.js';
export type {
  ColumnInfo,
  ForeignKeyInfo,
  Introspectable,
  IntrospectOptions,
  SchemaInfo,
  TableInfo,
  TableName,
} from './introspect/index.js';
export {
  guardSelect,
  parseSelect,
  checkTables,
  collectTableRefs,
  isSystemCatalog,
  tableKey,
  checkFunctions,
  isDeniedFunction,
  planRowCap,
  explicitLimit,
  wrapWithLimit,
  lexSql,
} from './guard/index.js';
export type {
  GuardOptions,
  GuardedQuery,
  ParsedSelect,
  TableRef,
  RowCapPlan,
  ExplicitLimit,
  LexResult,
} from './guard/index.js';
