// Time windows of the offline translator: the phrases it recognizes ("last quarter", "this
// year", "in 2025", "last 6 months", "in March 2026", "Q1 2026", "since 2026-03-01") and the
// half-open date range [from, to) each one means relative to an anchor date (the last day of
// the data). "this …" windows run to the anchor inclusive; "last …" windows are whole calendar
// periods before the anchor's; "last N months" are N calendar months including the anchor's.

/** A half-open day range `[from, to)`, both `YYYY-MM-DD`. */
export interface DateWindow {
  from: string;
  to: string;
  /** The phrase it came from, normalized (`last quarter`). */
  phrase: string;
}

/** A recognized phrase: where it is in the (lower-cased) text and what it means. */
export interface WindowMatch {
  start: number;
  end: number;
  window: DateWindow;
}

const MONTHS = [
  'january', 'february', 'march', 'april', 'may', 'june',
  'july', 'august', 'september', 'october', 'november', 'december',
]; // prettier-ignore
const MONTH_RE = `(${MONTHS.map((m) => `${m}|${m.slice(0, 3)}`).join('|')})`;

interface Ymd {
  y: number;
  m: number; // 1..12
  d: number;
}

function ymd(text: string): Ymd {
  const [y, m, d] = text.split('-').map(Number);
  return { y: y!, m: m!, d: d! };
}

function iso(y: number, m: number, d = 1): string {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.toISOString().slice(0, 10);
}

function addDays(day: string, n: number): string {
  const { y, m, d } = ymd(day);
  return iso(y, m, d + n);
}

/** True for a real `YYYY-MM-DD` day. */
export function isDay(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const { y, m, d } = ymd(text);
  return iso(y, m, d) === text;
}

const WORD_NUMBERS: Readonly<Record<string, number>> = {
  one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, eighteen: 18, twenty: 20, thirty: 30, ninety: 90,
}; // prettier-ignore

/** `5` or `five` → 5; undefined otherwise. */
export function parseCount(text: string): number | undefined {
  if (/^\d+$/.test(text)) return Number(text);
  return WORD_NUMBERS[text];
}

const NUM = `(\\d+|${Object.keys(WORD_NUMBERS).join('|')})`;

type Rule = [
  RegExp,
  (m: RegExpExecArray, anchor: Ymd, anchorDay: string) => DateWindow | undefined,
];

const rules: Rule[] = [
  [
    /\b(?:in |during |for )?(?:the )?(this|current|last|previous|past) (year|quarter|month)\b(?: to date)?/g,
    (m, a, day) => {
      const period = m[2] as 'year' | 'quarter' | 'month';
      const current = m[1] === 'this' || m[1] === 'current';
      const startMonth = period === 'year' ? 1 : period === 'quarter' ? a.m - ((a.m - 1) % 3) : a.m;
      const len = period === 'year' ? 12 : period === 'quarter' ? 3 : 1;
      const from = iso(a.y, startMonth);
      const phrase = `${current ? 'this' : 'last'} ${period}`;
      if (current) return { from, to: addDays(day, 1), phrase };
      return { from: iso(a.y, startMonth - len), to: from, phrase };
    },
  ],
  [
    /\b(?:year|quarter|month)[ -]to[ -]date\b|\bytd\b/g,
    (m, a, day) => {
      const period = m[0].startsWith('quarter')
        ? 'quarter'
        : m[0].startsWith('month')
          ? 'month'
          : 'year';
      const startMonth = period === 'year' ? 1 : period === 'quarter' ? a.m - ((a.m - 1) % 3) : a.m;
      return { from: iso(a.y, startMonth), to: addDays(day, 1), phrase: `this ${period}` };
    },
  ],
  [
    new RegExp(
      `\\b(?:in |during |over |for )?(?:the )?(?:last|past|previous) ${NUM} (day|week|month|quarter|year)s?\\b`,
      'g',
    ),
    (m, a, day) => {
      const n = parseCount(m[1]!);
      if (n === undefined || n < 1) return undefined;
      const unit = m[2]!;
      const phrase = `last ${n} ${unit}s`;
      if (unit === 'day') return { from: addDays(day, 1 - n), to: addDays(day, 1), phrase };
      if (unit === 'week') return { from: addDays(day, 1 - 7 * n), to: addDays(day, 1), phrase };
      if (unit === 'year') return { from: iso(a.y - n + 1, 1), to: addDays(day, 1), phrase };
      const months = unit === 'quarter' ? 3 * n : n;
      const startMonth = unit === 'quarter' ? a.m - ((a.m - 1) % 3) : a.m;
      return {
        from: iso(a.y, startMonth - months + (unit === 'quarter' ? 3 : 1)),
        to: addDays(day, 1),
        phrase,
      };
    },
  ],
  [
    /\b(?:in |during |for )?q([1-4])(?:\s+(?:of\s+)?(\d{4}))?\b/g,
    (m, a) => {
      const q = Number(m[1]);
      let y = m[2] === undefined ? a.y : Number(m[2]);
      if (m[2] === undefined && iso(y, 3 * q - 2) > iso(a.y, a.m, a.d)) y -= 1;
      return { from: iso(y, 3 * q - 2), to: iso(y, 3 * q + 1), phrase: `q${q} ${y}` };
    },
  ],
  [
    new RegExp(`\\b(?:in |during |for )?${MONTH_RE}(?:,?\\s+(?:of\\s+)?(\\d{4}))?\\b`, 'g'),
    (m, a) => {
      const month = MONTHS.findIndex((name) => name.startsWith(m[1]!)) + 1;
      // "may" alone is too often the verb: only with a year.
      if (m[1] === 'may' && m[2] === undefined) return undefined;
      let y = m[2] === undefined ? a.y : Number(m[2]);
      if (m[2] === undefined && iso(y, month) > iso(a.y, a.m, a.d)) y -= 1;
      return { from: iso(y, month), to: iso(y, month + 1), phrase: `${MONTHS[month - 1]!} ${y}` };
    },
  ],
  [
    /\bsince (\d{4}-\d{2}-\d{2}|\d{4})\b/g,
    (m, _a, day) => {
      const start = m[1]!.length === 4 ? `${m[1]}-01-01` : m[1]!;
      if (!isDay(start)) return undefined;
      return { from: start, to: addDays(day, 1), phrase: `since ${start}` };
    },
  ],
  [
    // Not a year inside a date (`2026-02-30` is a bad date, not "2026").
    /\b(?:in |during |for )?(?:the )?(?:year )?((?:19|20)\d{2})\b(?!-\d)/g,
    (m) => {
      const y = Number(m[1]);
      return { from: iso(y, 1), to: iso(y + 1, 1), phrase: `${y}` };
    },
  ],
];

/**
 * Every time-window phrase in `text` (lower-cased), left to right, without overlaps (earlier
 * rules win). `anchorDate` is `YYYY-MM-DD`.
 */
export function findTimeWindows(text: string, anchorDate: string): WindowMatch[] {
  const anchor = ymd(anchorDate);
  const found: WindowMatch[] = [];
  const taken = (s: number, e: number): boolean => found.some((f) => s < f.end && e > f.start);
  for (const [re, make] of rules) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const start = m.index;
      const end = start + m[0].length;
      if (taken(start, end)) continue;
      const window = make(m, anchor, anchorDate);
      if (window !== undefined) found.push({ start, end, window });
    }
  }
  return found.sort((a, b) => a.start - b.start);
}
