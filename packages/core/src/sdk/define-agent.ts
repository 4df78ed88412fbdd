// `defineAgent`: the typed way to write a handler module's default export (DESIGN.md §5). It
// changes nothing at runtime; it gives `event.data` and `ctx.config` their types and fails fast
// when a module exports something that is not a function.
import type { Handler } from './context.js';

/**
 * Declare an agent's handler. Returns `handler` unchanged; `TData` types `event.data` and
 * `TConfig` types `ctx.config`. Throws a TypeError when `handler` is not a function.
 *
 * ```ts
 * export default defineAgent<{ question: string }>(async (event, ctx) => {
 *   ctx.emit('QueryAnswered', { answer: event.data.question.length });
 * });
 * ```
 */
export function defineAgent<
  TData = unknown,
  TConfig extends Record<string, unknown> = Record<string, unknown>,
>(handler: Handler<TData, TConfig>): Handler<TData, TConfig> {
  if (typeof handler !== 'function') {
    const got = handler === null ? 'null' : Array.isArray(handler) ? 'an array' : typeof handler;
    throw new TypeError(
      `defineAgent expects a handler function (event, ctx) => void | Promise<void>, got ${got}`,
    );
  }
  return handler;
}
