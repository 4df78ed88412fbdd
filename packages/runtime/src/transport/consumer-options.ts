// Validation of `ConsumerOptions`, shared by every transport so a bad option fails the same
// way everywhere: a TroupeError INVALID_OPTION whose message and `data.field` name the field.
import { ErrorCode, TroupeError } from '@troupe/core';
import type { ConsumerOptions } from './contract.js';

export interface ResolvedConsumerOptions {
  readonly group: string;
  readonly types: readonly string[];
  readonly consumer: string;
  readonly visibilityTimeoutMs: number;
  readonly startFrom: 'latest' | 'earliest';
  /** Undefined: commits are not counted. */
  readonly correlationBudget: number | undefined;
}

function invalid(field: string, message: string): TroupeError {
  return new TroupeError(ErrorCode.InvalidOption, `consumer options: ${field} ${message}`, {
    data: { field },
  });
}

function name(field: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw invalid(field, 'must be a non-empty string');
  return value;
}

export function validateConsumerOptions(options: ConsumerOptions): ResolvedConsumerOptions {
  const group = name('group', options.group);
  const consumer = name('consumer', options.consumer);
  if (!Array.isArray(options.types) || options.types.length === 0)
    throw invalid('types', 'must be a non-empty array of event types');
  const types = [...new Set(options.types.map((t, i) => name(`types[${i}]`, t)))];
  const v = options.visibilityTimeoutMs;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0)
    throw invalid(
      'visibilityTimeoutMs',
      `must be a positive number of milliseconds, got ${String(v)}`,
    );
  const startFrom = options.startFrom ?? 'latest';
  if (startFrom !== 'latest' && startFrom !== 'earliest')
    throw invalid('startFrom', `must be 'latest' or 'earliest', got ${String(startFrom)}`);
  const budget = options.correlationBudget;
  if (budget !== undefined && (!Number.isSafeInteger(budget) || budget <= 0))
    throw invalid('correlationBudget', `must be a positive integer, got ${String(budget)}`);
  return { group, consumer, types, visibilityTimeoutMs: v, startFrom, correlationBudget: budget };
}
