// The report's chart, chosen by the data's shape and drawn as SVG in plain code (no charting
// dependency): a line chart when the first dimension is a time series (dates, months, years,
// quarters), a bar chart for a category × measure, none otherwise (a single value, text only).
// Every label is escaped; the SVG holds no script and no external reference.
import { displayText, escapeHtml } from './escape.js';
import type { ColumnType } from './events.js';

export type ChartKind = 'bar' | 'line' | 'none';

export interface ChartPlan {
  kind: ChartKind;
  /** The category or time column. */
  x?: string;
  /** The measure column. */
  y?: string;
}

/** Most bars or points drawn; a longer result is charted by its first rows. */
export const MAX_CHART_POINTS = 50;

/** Pick the chart for columns of these types. */
export function planChart(
  schema: readonly { name: string; type: ColumnType }[],
  rowCount: number,
): ChartPlan {
  const x = schema.find((c) => c.type === 'date' || c.type === 'string');
  const y = schema.find((c) => c.type === 'number' && c !== x);
  if (x === undefined || y === undefined || rowCount === 0) return { kind: 'none' };
  return { kind: x.type === 'date' ? 'line' : 'bar', x: x.name, y: y.name };
}

const W = 720;
const H = 360;
const M = { top: 24, right: 24, bottom: 72, left: 80 };

/** A "nice" upper bound and tick step for values up to `max`. */
function niceScale(min: number, max: number): { lo: number; hi: number; step: number } {
  const lo = Math.min(0, min);
  const span = Math.max(max, 0) - lo || 1;
  const raw = span / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag;
  return {
    lo: Math.floor(lo / step) * step,
    hi: Math.ceil(Math.max(max, 0) / step) * step || step,
    step,
  };
}

function fmt(n: number): string {
  const abs = Math.abs(n);
  if (abs >= 1e9) return `${(n / 1e9).toFixed(1)}B`;
  if (abs >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (abs >= 1e4) return `${(n / 1e3).toFixed(0)}k`;
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}

function shorten(label: string, max = 16): string {
  return label.length > max ? `${label.slice(0, max - 1)}…` : label;
}

/** Draw the planned chart over `rows`; undefined when the plan is `none`. */
export function renderChart(
  plan: ChartPlan,
  rows: readonly Record<string, unknown>[],
): string | undefined {
  if (plan.kind === 'none' || plan.x === undefined || plan.y === undefined) return undefined;
  const { x, y } = plan;
  let points = rows
    .map((r) => ({
      label: r[x] === null || r[x] === undefined ? '(none)' : displayText(r[x]),
      value: Number(r[y]),
    }))
    .filter((p) => Number.isFinite(p.value))
    .slice(0, MAX_CHART_POINTS);
  if (plan.kind === 'line')
    points = [...points].sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  if (points.length === 0) return undefined;
  const values = points.map((p) => p.value);
  const { lo, hi, step } = niceScale(Math.min(...values), Math.max(...values));
  const iw = W - M.left - M.right;
  const ih = H - M.top - M.bottom;
  const sy = (v: number): number => M.top + ih - ((v - lo) / (hi - lo)) * ih;
  const band = iw / points.length;
  const cx = (i: number): number => M.left + band * i + band / 2;
  const parts: string[] = [];
  for (let t = lo; t <= hi + step / 2; t += step) {
    const ty = sy(t).toFixed(1);
    parts.push(
      `<line x1="${M.left}" x2="${W - M.right}" y1="${ty}" y2="${ty}" class="grid"/>`,
      `<text x="${M.left - 8}" y="${ty}" text-anchor="end" dominant-baseline="middle" class="tick">${escapeHtml(fmt(t))}</text>`,
    );
  }
  const every = Math.ceil(points.length / 20);
  points.forEach((p, i) => {
    if (i % every !== 0) return;
    const lx = cx(i).toFixed(1);
    const ly = H - M.bottom + 14;
    parts.push(
      `<text x="${lx}" y="${ly}" text-anchor="end" transform="rotate(-35 ${lx} ${ly})" class="tick">${escapeHtml(shorten(p.label))}</text>`,
    );
  });
  if (plan.kind === 'bar') {
    const bw = Math.max(2, band * 0.7);
    points.forEach((p, i) => {
      const top = sy(Math.max(p.value, 0));
      const h = Math.abs(sy(p.value) - sy(0));
      parts.push(
        `<rect x="${(cx(i) - bw / 2).toFixed(1)}" y="${top.toFixed(1)}" width="${bw.toFixed(1)}" height="${h.toFixed(1)}" class="bar"><title>${escapeHtml(p.label)}: ${escapeHtml(p.value)}</title></rect>`,
      );
    });
  } else {
    const path = points.map((p, i) => `${cx(i).toFixed(1)},${sy(p.value).toFixed(1)}`).join(' ');
    parts.push(`<polyline points="${path}" class="line"/>`);
    points.forEach((p, i) =>
      parts.push(
        `<circle cx="${cx(i).toFixed(1)}" cy="${sy(p.value).toFixed(1)}" r="3" class="dot"><title>${escapeHtml(p.label)}: ${escapeHtml(p.value)}</title></circle>`,
      ),
    );
  }
  parts.push(
    `<line x1="${M.left}" x2="${W - M.right}" y1="${sy(0).toFixed(1)}" y2="${sy(0).toFixed(1)}" class="axis"/>`,
    `<text x="16" y="${M.top + ih / 2}" transform="rotate(-90 16 ${M.top + ih / 2})" text-anchor="middle" class="label">${escapeHtml(y)}</text>`,
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escapeHtml(`${plan.kind} chart of ${y} by ${x}`)}" data-chart="${plan.kind}">`,
    '<style>.grid{stroke:#e5e7eb}.axis{stroke:#374151}.tick{font:11px sans-serif;fill:#4b5563}.label{font:12px sans-serif;fill:#111827}.bar{fill:#2563eb}.line{fill:none;stroke:#2563eb;stroke-width:2}.dot{fill:#2563eb}</style>',
    ...parts,
    '</svg>',
  ].join('');
}
