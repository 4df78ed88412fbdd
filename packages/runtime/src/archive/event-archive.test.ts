// The event archive on its embedded default, an SQLite file (a fresh temp dir per test).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventArchiveCases } from './event-archive.cases.js';

eventArchiveCases('SQLite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'troupe-archive-'));
  return Promise.resolve({
    options: () => ({ filename: join(dir, 'archive.db') }),
    cleanup: () => {
      rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    },
  });
});
