// The shape of an introspected schema: what an NL→SQL agent retrieves from (tables, columns with
// types and nullability, keys, foreign keys and a few sample values per text column) and what
// the guard's default allowlist is built from.

export interface ColumnInfo {
  name: string;
  /** The database's declared type, lower case (`integer`, `character varying`, `text`, …). */
  type: string;
  nullable: boolean;
  /** A few distinct non-null values, for text columns only. */
  samples?: string[];
}

export interface ForeignKeyInfo {
  columns: string[];
  /** Referenced table (unqualified when in the same schema). */
  refTable: string;
  refColumns: string[];
}

export interface TableInfo {
  name: string;
  /** PostgreSQL schema / MySQL database / SQLite `main`. */
  schema: string;
  kind: 'table' | 'view';
  columns: ColumnInfo[];
  primaryKey: string[];
  foreignKeys: ForeignKeyInfo[];
}

export interface SchemaInfo {
  dialect: 'sqlite' | 'postgresql' | 'mysql';
  /** The schema introspected: PostgreSQL current_schema(), MySQL DATABASE(), SQLite `main`. */
  schema: string;
  tables: TableInfo[];
}

/** A user table or view, as listed for the default allowlist. */
export interface TableName {
  schema: string;
  name: string;
  kind: 'table' | 'view';
}

export interface IntrospectOptions {
  /** Distinct sample values per text column. Default 5; 0 turns samples off. */
  samples?: number;
  /** Longest sample value kept, in characters (longer ones are cut). Default 80. */
  maxSampleLength?: number;
}

/** True for declared types that hold text, in any of the three dialects. */
export function isTextType(type: string): boolean {
  return /char|text|clob|string|enum|citext|uuid/i.test(type) || type === '';
}
