import { describe, expect, it } from 'vitest';
import { colorEnabled, createIo, formatTable, paint, printStructured } from './io.js';

const sink = (isTTY = false): { write(s: string): boolean; text: string; isTTY: boolean } => {
  const s = { text: '', isTTY, write: (c: string) => ((s.text += c), true) };
  return s;
};

describe('formatTable', () => {
  it('prints a borderless kubectl-style table', () => {
    expect(
      formatTable(
        ['name', 'kind', 'status'],
        [
          ['sql-runner', 'Agent', 'ready'],
          ['x', 'Tool'],
        ],
      ),
    ).toBe('NAME         KIND    STATUS\nsql-runner   Agent   ready\nx            Tool\n');
  });
});

describe('color', () => {
  it('is on only for a TTY without NO_COLOR or TERM=dumb', () => {
    expect(colorEnabled({ write: () => true, isTTY: true }, {})).toBe(true);
    expect(colorEnabled({ write: () => true, isTTY: false }, {})).toBe(false);
    expect(colorEnabled({ write: () => true, isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colorEnabled({ write: () => true, isTTY: true }, { TERM: 'dumb' })).toBe(false);
    expect(colorEnabled({ write: () => true, isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
  });
  it('paints only when enabled', () => {
    expect(paint({ color: false }, 'red', 'x')).toBe('x');
    expect(paint({ color: true }, 'red', 'x')).toBe('\u001b[31mx\u001b[39m');
  });
});

describe('createIo / printStructured', () => {
  it('routes stdout and stderr and prints JSON or YAML', () => {
    const out = sink();
    const err = sink(true);
    const io = createIo(out, err, { NO_COLOR: '' });
    expect(io.color).toBe(true);
    io.err('progress\n');
    printStructured(io, 'json', { a: [1] });
    printStructured(io, 'yaml', { a: [1] });
    expect(out.text).toBe('{\n  "a": [\n    1\n  ]\n}\na:\n  - 1\n');
    expect(err.text).toBe('progress\n');
  });
});
