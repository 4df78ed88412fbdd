import { availableParallelism } from 'node:os';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ErrorCode, TroupeError } from '@troupe/core';
import { DEFAULT_POOL_OPTIONS, resolvePoolOptions } from './options.js';
import type { WorkerPoolOptions } from './options.js';

describe('worker pool options', () => {
  it('documents its defaults: one thread per core, 16 batches per thread, the bundled worker entry', () => {
    expect(DEFAULT_POOL_OPTIONS).toMatchObject({
      threads: Math.max(1, availableParallelism()),
      concurrentTasksPerWorker: 16,
      maxBatchSize: 64,
      timeoutGraceMs: 1000,
      loadTimeoutMs: 30_000,
      isolationThreads: 1,
      closeDeadlineMs: 10_000,
      atomics: 'disabled',
    });
    expect(existsSync(DEFAULT_POOL_OPTIONS.workerFilename)).toBe(true);
    expect(Object.isFrozen(DEFAULT_POOL_OPTIONS)).toBe(true);
    expect(resolvePoolOptions()).toMatchObject({
      ...DEFAULT_POOL_OPTIONS,
      resourceLimits: undefined,
    });
  });

  it('keeps given values', () => {
    const r = resolvePoolOptions({
      threads: 3,
      timeoutGraceMs: 0,
      resourceLimits: { maxOldGenerationSizeMb: 64 },
    });
    expect(r).toMatchObject({
      threads: 3,
      timeoutGraceMs: 0,
      resourceLimits: { maxOldGenerationSizeMb: 64 },
    });
  });

  it.each<[WorkerPoolOptions, string, RegExp]>([
    [{ threads: 0 }, 'threads', /threads must be an integer >= 1, got 0/],
    [{ threads: 1.5 }, 'threads', /got 1\.5/],
    [
      { concurrentTasksPerWorker: -1 },
      'concurrentTasksPerWorker',
      /concurrentTasksPerWorker must be an integer >= 1/,
    ],
    [{ maxBatchSize: 0 }, 'maxBatchSize', /maxBatchSize/],
    [{ timeoutGraceMs: -5 }, 'timeoutGraceMs', /timeoutGraceMs must be an integer >= 0/],
    [{ isolationThreads: 0 }, 'isolationThreads', /isolationThreads/],
    [{ loadTimeoutMs: 0 }, 'loadTimeoutMs', /loadTimeoutMs must be an integer >= 1/],
    [{ closeDeadlineMs: Number.NaN }, 'closeDeadlineMs', /closeDeadlineMs/],
    [{ threads: '2' as unknown as number }, 'threads', /got "2"/],
    [
      { resourceLimits: { maxOldGenerationSizeMb: 0 } },
      'resourceLimits.maxOldGenerationSizeMb',
      /must be a number > 0/,
    ],
    [
      { resourceLimits: { maxOldGenMb: 1 } as never },
      'resourceLimits.maxOldGenMb',
      /is not a known limit/,
    ],
    [{ onWorkerError: 'x' as never }, 'onWorkerError', /must be a function/],
    [{ workerFilename: '' }, 'workerFilename', /must be a non-empty path/],
    [{ atomics: 'on' as never }, 'atomics', /must be 'disabled', 'sync' or 'async', got "on"/],
  ])('refuses %j naming the option', (options, field, message) => {
    let caught: unknown;
    try {
      resolvePoolOptions(options);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(TroupeError);
    const err = caught as TroupeError;
    expect(err.code).toBe(ErrorCode.InvalidOption);
    expect(err.data).toEqual({ field });
    expect(err.message).toMatch(new RegExp(`^worker pool option ${field.replace('.', '\\.')} `));
    expect(err.message).toMatch(message);
  });
});
