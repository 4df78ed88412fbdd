// nl2sql agent 1: natural language → SQL. QueryReceived (or SQLRepairRequested, with the failed
// SQL and the database's error as context) → SQLGenerated | ClarificationRequested |
// SQLGenerationError. It retrieves the schema slice the question is about and asks the LLM
// connection, or, when that connection is `baseUrl: offline`, the deterministic offline
// translator (which never guesses: it clarifies or refuses instead). It keeps the question in
// the workspace under the correlation id for the agents downstream.
import { defineAgent } from '@troupe/core';
import type { HandlerContext } from '@troupe/core';
import { buildNl2SqlMessages, parseNl2SqlAnswer, selectSchemaSlice } from '@troupe/adapters';
import type { Nl2SqlResult, RepairContext } from '@troupe/adapters';
import { DEFAULTS, WS } from './lib/events.js';
import type { Nl2SqlConfig, QueryReceived, SQLRepairRequested } from './lib/events.js';
import { knowledgeOf } from './lib/knowledge.js';

type Input = QueryReceived | SQLRepairRequested;

async function translate(
  ctx: HandlerContext<Nl2SqlConfig>,
  question: string,
  repair: RepairContext | undefined,
): Promise<Nl2SqlResult> {
  const warehouse = ctx.config.warehouse ?? DEFAULTS.warehouse;
  const db = ctx.sql(warehouse);
  const llm = ctx.llm(ctx.config.llm ?? DEFAULTS.llm);
  const known = await knowledgeOf(db, warehouse);
  if (llm.offline) {
    // The offline translator is deterministic: asking it again gives the same SQL.
    if (repair !== undefined)
      return {
        kind: 'error',
        reason: `the offline translator cannot repair its SQL (${repair.error})`,
      };
    return known.offline().translate(question, db.dialect);
  }
  const messages = buildNl2SqlMessages({
    question,
    dialect: db.dialect,
    schema: selectSchemaSlice(known.schema, question),
    rowLimit: ctx.config.rowLimit ?? DEFAULTS.rowLimit,
    ...(known.anchorDate === undefined ? {} : { anchorDate: known.anchorDate }),
    ...(repair === undefined ? {} : { repair }),
  });
  const reply = await llm.chat(messages, { signal: ctx.signal });
  return parseNl2SqlAnswer(reply.content);
}

export default defineAgent<Input, Nl2SqlConfig>(async (event, ctx) => {
  const data = event.data;
  const question = typeof data.question === 'string' ? data.question.trim() : '';
  let repair: RepairContext | undefined;
  if (event.type === 'SQLRepairRequested') {
    const r = data as SQLRepairRequested;
    repair = {
      sql: r.sql,
      error: r.error,
      code: r.kind === undefined ? r.code : `${r.code}: ${r.kind}`,
    };
  } else {
    // A refined question (answering ClarificationRequested) replaces the earlier one.
    await ctx.workspace.put(WS.question, { question });
  }
  if (question === '') {
    ctx.emit('SQLGenerationError', { question, reason: 'the question is empty' });
    return;
  }
  const result = await translate(ctx, question, repair);
  const dialect = ctx.sql(ctx.config.warehouse ?? DEFAULTS.warehouse).dialect;
  ctx.log.info('translated', { kind: result.kind, repair: repair !== undefined });
  if (result.kind === 'sql') ctx.emit('SQLGenerated', { question, sql: result.sql, dialect });
  else if (result.kind === 'clarify')
    ctx.emit('ClarificationRequested', { question, ask: result.ask });
  else ctx.emit('SQLGenerationError', { question, reason: result.reason });
});
