// The workspace conformance suite on the embedded default: SQLite (better-sqlite3) in a temp
// file per test, two store instances = two connections to one file (WAL, busy timeout).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runWorkspaceConformance } from './conformance.js';
import { createSqlWorkspaceStore } from './sql-store.js';

runWorkspaceConformance('sqlite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'troupe-ws-'));
  const filename = join(dir, 'workspace.db');
  return Promise.resolve({
    open: (o) => createSqlWorkspaceStore({ ...o, filename }),
    cleanup: () => {
      rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    },
  });
});
