// Types shared by the conformance suite's entry and its case files: what a transport's test
// file hands in (a factory of setups) and the helpers every case uses.
import type { CloudEvent, SerializedError } from '@troupe/core';
import type * as VitestModule from 'vitest';
import type { Consumer, Delivery, Transport, TransportFeatures } from './contract.js';

/** The vitest functions the case files use (loaded lazily by the suite). */
export type Vitest = typeof VitestModule;

export interface ConformanceSetup {
  readonly transport: Transport;
  readonly features: TransportFeatures;
  /** Close what the factory opened and remove what it stored. */
  cleanup(): Promise<void>;
  /** A second transport over the same storage (durable transports: simulates a process restart). */
  reopen?(): Promise<Transport>;
}

export type ConformanceFactory = () => Promise<ConformanceSetup>;

/** Knobs of one run; the defaults suit a local Redis. */
export interface ConformanceOptions {
  /** Visibility timeout used by lease tests. Default 300 ms. */
  readonly visibilityTimeoutMs?: number;
}

/** What each case file receives: fresh names, helpers and the current setup. */
export interface ConformanceKit {
  readonly vt: number;
  setup(): ConformanceSetup;
  /** A unique event type for this test. */
  type(label: string): string;
  /** A unique group name for this test. */
  group(label: string): string;
  event(type: string, data?: unknown): CloudEvent;
  consumer(
    group: string,
    types: readonly string[],
    name?: string,
    options?: { correlationBudget?: number },
  ): Promise<Consumer>;
  /** Fetch until `n` deliveries arrived or `timeoutMs` passed. */
  collect(consumer: Consumer, n: number, timeoutMs?: number, batch?: number): Promise<Delivery[]>;
  error(message?: string): SerializedError;
  sleep(ms: number): Promise<void>;
}
