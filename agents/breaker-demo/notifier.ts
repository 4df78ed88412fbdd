// Breaker demo agent `notifier`: turns the runtime's system events about circuit breakers
// (`troupe.breaker.opened` / `troupe.breaker.closed`) into an operator alert, as a pager or chat
// hook would. Any agent may subscribe to system events like any other type.
//   troupe.breaker.opened | troupe.breaker.closed → OpsAlerted
import { defineAgent } from '@troupe/core';

export interface BreakerEventData {
  agent: string;
  failures: number;
  at: string;
}

export default defineAgent<BreakerEventData>((event, ctx) => {
  const { agent, failures, at } = event.data;
  const opened = event.type === 'troupe.breaker.opened';
  const message = opened
    ? `${agent}: circuit OPEN after ${failures} consecutive failures; its events wait in the stream`
    : `${agent}: circuit closed again; the backlog drains`;
  ctx.log.warn(message);
  ctx.emit('OpsAlerted', { agent, state: opened ? 'open' : 'closed', failures, at, message });
});
