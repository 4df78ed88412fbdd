import { describe, expect, it } from 'vitest';
import { createEvent } from '../envelope/index.js';
import { checkTemplateArguments, renderTemplateArguments } from './templates.js';

const event = JSON.parse(
  JSON.stringify(
    createEvent({
      type: 'weather.requested',
      data: {
        city: 'Oslo',
        days: 3,
        flags: { metric: true },
        tags: ['a', 'b'],
        nothing: null,
      },
      subject: 'oslo',
    }),
  ),
) as Record<string, unknown>;

describe('renderTemplateArguments', () => {
  it('a whole template keeps the JSON type of what it points at', () => {
    const r = renderTemplateArguments(
      {
        city: '{{ data.city }}',
        days: '{{data.days}}',
        flags: '{{ data.flags }}',
        first: '{{ data.tags.0 }}',
        nothing: '{{ data.nothing }}',
        literal: 7,
        nested: { list: ['{{ data.tags }}', 'x'] },
      },
      event,
    );
    expect(r).toEqual({
      ok: true,
      value: {
        city: 'Oslo',
        days: 3,
        flags: { metric: true },
        first: 'a',
        nothing: null,
        literal: 7,
        nested: { list: [['a', 'b'], 'x'] },
      },
    });
  });

  it('other strings interpolate: strings as they are, other values as JSON', () => {
    const r = renderTemplateArguments(
      { q: 'weather in {{ data.city }} for {{ data.days }} days {{ data.flags }} ({{ subject }})' },
      event,
    );
    expect(r).toEqual({
      ok: true,
      value: { q: 'weather in Oslo for 3 days {"metric":true} (oslo)' },
    });
  });

  it('reads envelope attributes', () => {
    const r = renderTemplateArguments({ id: '{{ id }}', c: '{{ correlationid }}' }, event);
    expect(r).toEqual({ ok: true, value: { id: event.id, c: event.correlationid } });
  });

  it('absent arguments are an empty mapping; a whole template must point at a mapping', () => {
    expect(renderTemplateArguments(undefined, event)).toEqual({ ok: true, value: {} });
    expect(renderTemplateArguments('{{ data }}', event)).toEqual({
      ok: true,
      value: event.data,
    });
    expect(renderTemplateArguments('{{ data.city }}', event)).toEqual({
      ok: false,
      miss: { path: 'data.city', at: [], reason: 'not-a-mapping' },
    });
  });

  it.each([
    [{ a: '{{ data.town }}' }, 'data.town', ['a']],
    [{ a: { b: ['x', 'at {{ data.city.name }}'] } }, 'data.city.name', ['a', 'b', 1]],
    [{ a: '{{ data.tags.5 }}' }, 'data.tags.5', ['a']],
    // Own properties only: nothing is read from a prototype.
    [{ a: '{{ data.constructor }}' }, 'data.constructor', ['a']],
  ])('a path the event lacks is a miss: %j', (args, path, at) => {
    expect(renderTemplateArguments(args, event)).toEqual({
      ok: false,
      miss: { path, at, reason: 'missing' },
    });
  });
});

describe('checkTemplateArguments', () => {
  it('accepts templates over the event root and plain values', () => {
    expect(
      checkTemplateArguments({
        a: '{{ data.city }}',
        b: 'x {{ subject }} y {{ data.items.0.name }}',
        c: [1, { d: '{{ correlationid }}' }],
        e: 'no template',
      }),
    ).toEqual([]);
    expect(checkTemplateArguments('{{ data }}')).toEqual([]);
  });

  it.each([
    [{ a: '{{ city }}' }, ['a'], /must start at the event root/],
    [{ a: { b: '{{ data..x }}' } }, ['a', 'b'], /empty or invalid segment/],
    [{ a: ['{{ }}'] }, ['a', 0], /empty template/],
    [{ a: 'x {{ data.city' }, ['a'], /unbalanced/],
    [{ a: 'x }} y' }, ['a'], /unbalanced/],
    [{ a: '{{ {{ data.x }} }}' }, ['a'], /unbalanced/],
    ['data', [], /one whole template/],
    ['x {{ data }}', [], /one whole template/],
  ])('reports %j at %j', (args, at, message) => {
    const problems = checkTemplateArguments(args);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.at).toEqual(at);
    expect(problems[0]!.message).toMatch(message);
  });
});
