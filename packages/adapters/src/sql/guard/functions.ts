// Guard layer (c): a per-dialect denylist of functions that reach outside a read of the allowed
// tables: files, network, sleeping, locks, server administration and configuration, sequences,
// and functions that run SQL text of their own (which would bypass every other layer). The
// whole AST is walked, subqueries, CTEs and FROM-clause table functions included.
import type { SqlDialect } from '../dialect.js';
import { sqlRefused } from '../errors.js';
import { functionName, walkAst } from './ast.js';
import type { ParsedSelect } from './parse.js';

interface Denylist {
  names: ReadonlySet<string>;
  prefixes: readonly string[];
}

const SQLITE: Denylist = {
  names: new Set([
    'load_extension',
    'readfile',
    'writefile',
    'edit',
    'fts3_tokenizer',
    'zipfile',
    'zipfile_cds',
    'sqlar_compress',
    'sqlar_uncompress',
    'lsdir',
    'fsdir',
    'sqlite_dbpage',
    'sqlite_dbdata',
    'sqlite_dbptr',
    'dbstat',
    'zeroblob',
  ]),
  // Table-valued PRAGMA functions expose the schema of every table, allowed or not.
  prefixes: ['pragma_', 'sqlite_'],
};

const POSTGRESQL: Denylist = {
  names: new Set([
    'set_config',
    'nextval',
    'setval',
    'txid_current',
    'pg_current_xact_id',
    'query_to_xml',
    'query_to_xmlschema',
    'query_to_xml_and_xmlschema',
    'cursor_to_xml',
    'cursor_to_xmlschema',
    'table_to_xml',
    'table_to_xmlschema',
    'table_to_xml_and_xmlschema',
    'schema_to_xml',
    'schema_to_xmlschema',
    'schema_to_xml_and_xmlschema',
    'database_to_xml',
    'database_to_xmlschema',
    'database_to_xml_and_xmlschema',
    'ts_stat',
    'loread',
    'lowrite',
    'current_query',
    'make_interval_sleep',
  ]),
  prefixes: [
    'pg_read_',
    'pg_ls_',
    'pg_stat_file',
    'pg_sleep',
    'pg_terminate_backend',
    'pg_cancel_backend',
    'pg_signal_backend',
    'pg_reload_conf',
    'pg_rotate_logfile',
    'pg_switch_wal',
    'pg_promote',
    'pg_create_',
    'pg_drop_',
    'pg_replication_',
    'pg_logical_',
    'pg_advisory',
    'pg_try_advisory',
    'pg_file_',
    'pg_import_',
    'pg_stat_reset',
    'pg_backup_',
    'pg_start_backup',
    'pg_stop_backup',
    'pg_notify',
    'pg_log_',
    'pg_wal_replay_',
    'pg_copy_',
    'pg_stat_statements_reset',
    'lo_',
    'dblink',
    'xact_',
  ],
};

const MYSQL: Denylist = {
  names: new Set([
    'sleep',
    'benchmark',
    'load_file',
    'get_lock',
    'release_lock',
    'release_all_locks',
    'is_free_lock',
    'is_used_lock',
    'master_pos_wait',
    'source_pos_wait',
    'master_gtid_wait',
    'wait_for_executed_gtid_set',
    'wait_until_sql_thread_after_gtids',
    'sys_exec',
    'sys_eval',
    'sys_get',
    'sys_set',
    'lastval',
    'nextval',
    'setval',
  ]),
  prefixes: [],
};

const DENYLISTS: Readonly<Record<SqlDialect, Denylist>> = {
  sqlite: SQLITE,
  postgresql: POSTGRESQL,
  mysql: MYSQL,
};

/** True when `name` (lower case, unqualified) is denied in `dialect`. */
export function isDeniedFunction(name: string, dialect: SqlDialect): boolean {
  const list = DENYLISTS[dialect];
  const lower = name.toLowerCase();
  return list.names.has(lower) || list.prefixes.some((p) => lower.startsWith(p));
}

/** Layer (c). Throws SQL_REFUSED naming the first denied function found anywhere in the AST. */
export function checkFunctions(parsed: ParsedSelect): void {
  walkAst(parsed.ast, (node) => {
    const fn = functionName(node);
    if (fn === undefined) return;
    if (fn.name === '')
      throw sqlRefused('functions', parsed.dialect, 'a function call whose name cannot be read');
    if (isDeniedFunction(fn.name, parsed.dialect)) {
      const full = fn.schema === undefined ? fn.name : `${fn.schema}.${fn.name}`;
      throw sqlRefused('functions', parsed.dialect, `function ${full}() is not allowed`, {
        function: full,
      });
    }
  });
}
