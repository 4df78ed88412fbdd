// Stable codes of manifest diagnostics. Tools, tests and the admin API match on these codes,
// never on message text; a code, once published, keeps its meaning.

export const DiagnosticCode = {
  // --- files and YAML ---
  /** A path given to the loader does not exist or cannot be read. */
  FileNotFound: 'file-not-found',
  /** A directory given to the loader holds no *.yaml / *.yml file (warning). */
  NoManifests: 'no-manifests',
  /** The file is larger than `maxFileBytes`; it is refused before parsing. */
  FileTooLarge: 'file-too-large',
  /** The file holds NUL bytes: a binary, not a manifest. */
  BinaryFile: 'binary-file',
  /** The file is not valid UTF-8. */
  NotUtf8: 'not-utf8',
  /** The YAML does not parse. */
  YamlSyntax: 'yaml-syntax',
  /** A mapping repeats a key. */
  DuplicateKey: 'duplicate-key',
  /** An anchor or alias: refused (alias bombs, and manifests need none). */
  YamlAlias: 'yaml-alias',
  /** An explicit YAML tag (`!foo`, `!!str`): refused. */
  YamlTag: 'yaml-tag',
  /** A document is not a mapping. */
  NotAMapping: 'not-a-mapping',
  // --- schema ---
  UnknownApiVersion: 'unknown-api-version',
  UnknownKind: 'unknown-kind',
  MissingField: 'missing-field',
  UnknownField: 'unknown-field',
  WrongType: 'wrong-type',
  /** A number outside its bounds. */
  OutOfRange: 'out-of-range',
  /** A value not allowed (enum, pattern, length, format, duplicates in a list). */
  InvalidValue: 'invalid-value',
  /** metadata.name is not a DNS label (or, for EventType, not an event type name). */
  InvalidName: 'invalid-name',
  /** A field not allowed together with another (`handler` with `uses`, `tool` without `uses`). */
  ConflictingField: 'conflicting-field',
  // --- semantic checks of one document ---
  InvalidWherePath: 'invalid-where-path',
  /** An embedded `schema` / `input` is not a valid JSON Schema. */
  InvalidJsonSchema: 'invalid-json-schema',
  /** A secret written literally instead of as `env:NAME`. */
  SecretLiteral: 'secret-literal',
  HandlerEscapesRoot: 'handler-escapes-root',
  HandlerNotFound: 'handler-not-found',
  /** A `{{ path }}` template in `spec.tool.arguments` is malformed or starts outside the event. */
  InvalidTemplate: 'invalid-template',
  /** A file path (e.g. a sqlite filename) outside the project root. */
  PathEscapesRoot: 'path-escapes-root',
  // --- static analysis of the set ---
  DuplicateName: 'duplicate-name',
  OrphanEmission: 'orphan-emission',
  DeadSubscription: 'dead-subscription',
  Cycle: 'cycle',
  UnknownConnection: 'unknown-connection',
  /** A connection used where another type is needed (`spec.tool.connection` must be type mcp). */
  WrongConnectionType: 'wrong-connection-type',
  /** An aggregator collects a type nobody emits (error). */
  CollectNeverEmitted: 'collect-never-emitted',
  /** A tool publishes a type nobody consumes (error). */
  PublishNeverConsumed: 'publish-never-consumed',
  /** A tool waits (`until`) for a type nobody emits (warning). */
  UntilNeverEmitted: 'until-never-emitted',
  UnreachableAgent: 'unreachable-agent',
  /** Agents exist but no entry type or tool can start anything (warning). */
  NoEntryPoint: 'no-entry-point',
} as const;

export type DiagnosticCode = (typeof DiagnosticCode)[keyof typeof DiagnosticCode];
