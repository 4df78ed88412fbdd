// ui-renderer: the chart follows the data's shape (bar for category × measure, line for a time
// series, none for a single value), every cell and label is escaped (a `<script>` value is
// inert), and the report lands in the configured directory under the correlation id.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEvent, runHandler } from '@troupe/core';
import { planChart, renderChart } from './lib/chart.js';
import type { ResultsReady, ResultsRendered } from './lib/events.js';
import handler, { reportFileName } from './ui-renderer.js';

const dir = mkdtempSync(join(tmpdir(), 'troupe-reports-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const byRegion: ResultsReady = {
  question: 'total sales by region last quarter',
  sql: "SELECT region, revenue FROM t WHERE x < 'y'",
  columns: ['region', 'revenue'],
  rows: [
    { region: 'East', revenue: 163904.86 },
    { region: '<script>alert("x")</script>', revenue: 1 },
  ],
  schema: [
    { name: 'region', type: 'string' },
    { name: 'revenue', type: 'number' },
  ],
};

async function render(data: ResultsReady): Promise<ResultsRendered> {
  const event = createEvent({ type: 'ResultsReady', data });
  const { emitted, error } = await runHandler(handler, {
    event,
    config: { reportsDir: dir },
    emits: ['ResultsRendered'],
  });
  expect(error).toBeUndefined();
  return emitted[0]!.data as ResultsRendered;
}

describe('ui-renderer', () => {
  it('renders a bar chart, escapes every value, and writes the report', async () => {
    const out = await render(byRegion);
    expect(out.chart).toBe('bar');
    expect(out.chartSvg).toMatch(/^<svg [^>]*data-chart="bar"/);
    expect(out.chartSvg?.match(/<rect /g)).toHaveLength(2);
    expect(out.html).not.toMatch(/<script/i);
    expect(out.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(out.chartSvg).not.toMatch(/<script/i);
    expect(out.html).toContain('WHERE x &lt; &#39;y&#39;');
    expect(out.html).toContain('<td class="num">163904.86</td>');
    expect(out.html).toMatch(/Content-Security-Policy" content="default-src 'none'/);
    expect(out.reportPath).toMatch(new RegExp(`^${dir}/[0-9a-f-]+\\.html$`));
    expect(readFileSync(out.reportPath!, 'utf8')).toBe(out.html);
    expect(out).toMatchObject({
      question: byRegion.question,
      columns: byRegion.columns,
      rows: byRegion.rows,
    });
  });

  it('draws a time series as a line, in time order', async () => {
    const out = await render({
      question: 'revenue by month',
      sql: 'SELECT …',
      columns: ['month', 'revenue'],
      rows: [
        { month: '2026-03', revenue: 3 },
        { month: '2026-01', revenue: 1 },
        { month: '2026-02', revenue: -2 },
      ],
      schema: [
        { name: 'month', type: 'date' },
        { name: 'revenue', type: 'number' },
      ],
    });
    expect(out.chart).toBe('line');
    expect(out.chartSvg).toMatch(/<polyline points="/);
    const labels = [...out.chartSvg!.matchAll(/class="tick">(2026-\d\d)</g)].map((m) => m[1]);
    expect(labels).toEqual(['2026-01', '2026-02', '2026-03']);
  });

  it('has no chart for a single value or no rows', async () => {
    const single = await render({
      question: 'how many orders',
      sql: 'SELECT count(*) AS n FROM orders',
      columns: ['n'],
      rows: [{ n: 4000 }],
      schema: [{ name: 'n', type: 'number' }],
    });
    expect(single.chart).toBe('none');
    expect(single).not.toHaveProperty('chartSvg');
    expect(single.html).toContain('1 row.');
    expect(planChart(byRegion.schema, 0)).toEqual({ kind: 'none' });
    expect(
      renderChart({ kind: 'bar', x: 'a', y: 'b' }, [{ a: 'x', b: 'not a number' }]),
    ).toBeUndefined();
  });

  it('notes rows beyond maxTableRows and truncation', async () => {
    const event = createEvent({
      type: 'ResultsReady',
      data: { ...byRegion, truncated: true },
    });
    const { emitted } = await runHandler(handler, {
      event,
      config: { reportsDir: dir, maxTableRows: 1 },
    });
    const html = (emitted[0]!.data as ResultsRendered).html;
    expect(html.match(/<tr>/g)).toHaveLength(2); // header + 1 row
    expect(html).toContain('2 rows, first 1 shown, truncated by the row cap.');
  });

  it('makes a safe file name of any correlation id', () => {
    expect(reportFileName('../../etc/passwd')).toBe('.._.._etc_passwd.html');
    expect(reportFileName('01a1fdf9-e9ce-7000-8efe-7a49e82cbf6a')).toBe(
      '01a1fdf9-e9ce-7000-8efe-7a49e82cbf6a.html',
    );
  });
});
