// nl2sql agent 5: ResultsReady → ResultsRendered { html, chartSvg?, reportPath? }. It chooses
// the chart by the data's shape (lib/chart.ts), renders the page with every value escaped
// (lib/report.ts) and writes it to `<reportsDir>/<correlation id>.html` (default
// `.troupe/reports/` under the working directory): a re-run after a crash overwrites the same
// file, so the side effect is idempotent. The event also carries the question, SQL, columns and
// rows for consoles.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { defineAgent } from '@troupe/core';
import { planChart, renderChart } from './lib/chart.js';
import { DEFAULTS } from './lib/events.js';
import type { Nl2SqlConfig, ResultsReady } from './lib/events.js';
import { renderReport } from './lib/report.js';

/** File name of a correlation's report (ids are UUIDs; anything else is made safe). */
export function reportFileName(correlationId: string): string {
  return `${correlationId.replace(/[^A-Za-z0-9._-]/g, '_')}.html`;
}

export default defineAgent<ResultsReady, Nl2SqlConfig>(async (event, ctx) => {
  const { question, sql, columns, rows, schema, truncated } = event.data;
  const plan = planChart(schema, rows.length);
  const chartSvg = renderChart(plan, rows);
  const html = renderReport({
    question,
    sql,
    columns,
    rows,
    ...(chartSvg === undefined ? {} : { chartSvg }),
    truncated: truncated === true,
    maxTableRows: ctx.config.maxTableRows ?? DEFAULTS.maxTableRows,
    generatedAt: event.time,
  });
  const dir = resolve(ctx.config.reportsDir ?? DEFAULTS.reportsDir);
  await mkdir(dir, { recursive: true });
  const reportPath = join(dir, reportFileName(event.correlationid));
  // Write then rename: a reader never sees half a report.
  const partial = `${reportPath}.${event.id}.tmp`;
  await writeFile(partial, html, 'utf8');
  await rename(partial, reportPath);
  ctx.log.info('report written', { reportPath, chart: plan.kind });
  ctx.emit('ResultsRendered', {
    html,
    ...(chartSvg === undefined ? {} : { chartSvg }),
    reportPath,
    question,
    sql,
    columns,
    rows,
    chart: plan.kind,
  });
});
