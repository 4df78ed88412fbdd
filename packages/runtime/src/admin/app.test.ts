// The admin API over real HTTP (127.0.0.1:0, fetch) on a memory-transport node with real worker
// threads: auth, applying to a running node without disturbing other agents, publish errors as
// problem+json, publish-and-wait, the SSE stream, metrics, traces, probes and the OpenAPI map.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAdminServer } from './server.js';
import { BASE_YAML, EXTRA_YAML, TOKEN, startTestNode, until, type TestNode } from './testing.js';

let node: TestNode;

interface AgentJson {
  name: string;
  state: string;
  consumed: number;
  succeeded: number;
  stats?: { lag: number };
}

async function agent(name: string): Promise<AgentJson> {
  const res = await node.call(`/v1/agents/${name}`);
  expect(res.status).toBe(200);
  return (await res.json()) as AgentJson;
}

async function problem(
  res: Response,
  status: number,
  code: string,
): Promise<{ detail: string; data?: Record<string, unknown> }> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const body = (await res.json()) as {
    status: number;
    code: string;
    title: string;
    type: string;
    detail: string;
  };
  expect(body).toMatchObject({ status, code });
  expect(body.title).toBeTruthy();
  expect(body.type).toMatch(/^https:\/\/troupe\.dev\/problems\//);
  return body;
}

beforeAll(async () => {
  node = await startTestNode();
  const res = await node.call('/v1/manifests', {
    method: 'POST',
    json: { files: [{ path: 'base.yaml', text: BASE_YAML }] },
  });
  expect(res.status).toBe(200);
  // Warm the worker (first tsx import of the handler).
  const warm = await node.call('/v1/events', {
    method: 'POST',
    json: { type: 'Ping', data: { text: 'warm' }, wait: ['Pong'], timeoutMs: 20_000 },
  });
  expect(warm.status).toBe(200);
}, 30_000);

afterAll(async () => {
  await node?.close();
});

describe('auth', () => {
  it('answers 401 problem+json without a token and with a wrong one; /livez stays open', async () => {
    await problem(await node.call('/v1/agents', { token: null }), 401, 'UNAUTHORIZED');
    const wrong = await node.call('/v1/agents', { token: `${TOKEN}x` });
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await problem(wrong, 401, 'UNAUTHORIZED')).detail).toBe('wrong bearer token');
    await problem(await node.call('/metrics', { token: null }), 401, 'UNAUTHORIZED');
    expect((await node.call('/livez', { token: null })).status).toBe(200);
    expect((await node.call('/v1/agents')).status).toBe(200);
  });

  it('refuses to listen beyond loopback without a token, and listens with one', async () => {
    await expect(
      startAdminServer({ runtime: node.runtime, host: '0.0.0.0', port: 0 }),
    ).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      message: expect.stringMatching(
        /refusing to serve the admin API on 0\.0\.0\.0 without a token: set TROUPE_TOKEN/,
      ) as unknown,
    });
    await expect(
      startAdminServer({ runtime: node.runtime, host: '0.0.0.0', port: 0, token: '' }),
    ).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    const open = await startAdminServer({
      runtime: node.runtime,
      host: '0.0.0.0',
      port: 0,
      token: TOKEN,
    });
    try {
      const res = await fetch(`http://127.0.0.1:${open.port}/v1/agents`);
      expect(res.status).toBe(401);
    } finally {
      await open.close();
    }
  });
});

describe('apply to a running node', () => {
  it('starts a new agent without a restart; the running ones keep their counters going', async () => {
    let beating = true;
    const beats = (async () => {
      while (beating) {
        await node.call('/v1/events', { method: 'POST', json: { type: 'Beat', data: { n: 1 } } });
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    try {
      await until('beater consumes', async () => (await agent('beater')).succeeded >= 5);
      const before = await agent('beater');
      const res = await node.call('/v1/manifests', {
        method: 'POST',
        json: { files: [{ path: 'extra.yaml', text: EXTRA_YAML }] },
      });
      expect(res.status).toBe(200);
      const outcome = (await res.json()) as {
        changes: { kind: string; name: string; action: string }[];
        plan: Record<string, string[]>;
      };
      expect(outcome.changes).toContainEqual({
        kind: 'Agent',
        name: 'greeter',
        action: 'created',
        path: 'extra.yaml',
      });
      expect(outcome.plan.start).toEqual(['greeter', 'failer']);
      expect(outcome.plan.restart).toEqual([]);
      expect(outcome.plan.unchanged).toEqual(['ponger', 'beater']);
      const hi = await node.call('/v1/events', {
        method: 'POST',
        json: { type: 'Hello', data: { who: 'new agent' }, wait: ['Hi'], timeoutMs: 20_000 },
      });
      expect(hi.status).toBe(200);
      expect(((await hi.json()) as { result: { data: unknown } }).result.data).toEqual({
        who: 'new agent',
      });
      // Never restarted: its counters only grew (a restart starts them again at 0).
      await until(
        'beater keeps going',
        async () => (await agent('beater')).succeeded > before.succeeded + 5,
      );
      expect((await agent('beater')).state).toBe('running');
    } finally {
      beating = false;
      await beats;
    }
  }, 30_000);

  it('re-applying the same text is unchanged; a dry run changes nothing', async () => {
    const same = await node.call('/v1/manifests', {
      method: 'POST',
      json: { files: [{ path: 'base.yaml', text: BASE_YAML }] },
    });
    const body = (await same.json()) as {
      changes: { action: string }[];
      plan: { restart: string[]; start: string[] };
    };
    expect(body.changes.every((c) => c.action === 'unchanged')).toBe(true);
    expect(body.plan.restart).toEqual([]);
    const changed = BASE_YAML.replace(
      'config: { out: Beaten }',
      'config: { out: Beaten, extra: 1 }',
    );
    const dry = await node.call('/v1/manifests?dryRun=true', {
      method: 'POST',
      json: { files: [{ path: 'base.yaml', text: changed }] },
    });
    const dryBody = (await dry.json()) as {
      dryRun: boolean;
      plan?: unknown;
      changes: { name: string; action: string }[];
    };
    expect(dryBody.dryRun).toBe(true);
    expect(dryBody.plan).toBeUndefined();
    expect(dryBody.changes.find((c) => c.name === 'beater')?.action).toBe('configured');
    const listed = (await (await node.call('/v1/manifests/agent/beater')).json()) as {
      yaml: string;
    };
    expect(listed.yaml).not.toMatch(/extra/);
  });
});

describe('publish', () => {
  it('refuses a non-entry type (403), an unknown type (404), a bad payload (422)', async () => {
    const nonEntry = await problem(
      await node.call('/v1/events', { method: 'POST', json: { type: 'Pong', data: {} } }),
      403,
      'NOT_ENTRY_TYPE',
    );
    expect(nonEntry.detail).toMatch(/Pong is not an entry type/);
    const unknown = await problem(
      await node.call('/v1/events', { method: 'POST', json: { type: 'Pign', data: {} } }),
      404,
      'NOT_FOUND',
    );
    expect(unknown.detail).toMatch(/unknown event type 'Pign'.*did you mean 'Ping'/);
    const invalid = await problem(
      await node.call('/v1/events', { method: 'POST', json: { type: 'Ping', data: { text: 7 } } }),
      422,
      'SCHEMA_INVALID',
    );
    expect(invalid.detail).toMatch(/data\/text must be string/);
  });

  it('refuses invalid JSON (400), a body without JSON type (415), an oversize body (413)', async () => {
    const bad = await problem(
      await node.call('/v1/events', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"type": "Ping",',
      }),
      400,
      'BAD_REQUEST',
    );
    expect(bad.detail).toMatch(/not valid JSON/);
    await problem(
      await node.call('/v1/events', { method: 'POST', body: 'type=Ping' }),
      415,
      'BAD_REQUEST',
    );
    const big = await problem(
      await node.call('/v1/events', {
        method: 'POST',
        json: { type: 'Ping', data: { text: 'x'.repeat(1_100_000) } },
      }),
      413,
      'PAYLOAD_TOO_LARGE',
    );
    expect(big.detail).toMatch(/larger than the 1048576-byte limit/);
    await problem(
      await node.call('/v1/events', {
        method: 'POST',
        json: { type: 'Ping', data: { text: 'a' }, wait: 'Pong', timeoutMs: -1 },
      }),
      400,
      'BAD_REQUEST',
    );
  });

  it('publish-and-wait returns the result in the same correlation; a timeout is 504 naming it', async () => {
    const res = await node.call('/v1/events', {
      method: 'POST',
      json: {
        type: 'Ping',
        data: { text: 'hi' },
        correlationId: 'corr-1',
        wait: ['Pong'],
        timeoutMs: 10_000,
      },
    });
    expect(res.status).toBe(200);
    const { request, result } = (await res.json()) as {
      request: { id: string; correlationid: string };
      result: { type: string; data: unknown; correlationid: string; causationid: string };
    };
    expect(result).toMatchObject({
      type: 'Pong',
      data: { text: 'hi' },
      correlationid: 'corr-1',
      causationid: request.id,
    });
    const trace = (await (await node.call('/v1/traces/corr-1')).json()) as {
      events: { type: string }[];
      roots: { children: unknown[] }[];
    };
    expect(trace.events.map((e) => e.type)).toEqual(['Ping', 'Pong']);
    expect(trace.roots[0]!.children).toHaveLength(1);
    const late = await problem(
      await node.call('/v1/events', {
        method: 'POST',
        json: { type: 'Beat', data: {}, wait: ['Pong'], timeoutMs: 100 },
      }),
      504,
      'TIMEOUT',
    );
    expect(late.data).toMatchObject({ timeoutMs: 100, types: ['Pong'] });
    await problem(await node.call('/v1/traces/nope'), 404, 'NOT_FOUND');
  });
});

describe('live stream and metrics', () => {
  it('the SSE stream delivers events filtered by type', async () => {
    const ac = new AbortController();
    const res = await node.call('/v1/events/stream?type=Pong', { signal: ac.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    await node.call('/v1/events', {
      method: 'POST',
      json: { type: 'Ping', data: { text: 'streamed' } },
    });
    let text = '';
    while (!text.includes('streamed')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    ac.abort();
    const events = text
      .split('\n')
      .filter((l) => l.startsWith('data: '))
      .map((l) => JSON.parse(l.slice(6)) as { type: string; data: unknown });
    expect(events.length).toBeGreaterThanOrEqual(1);
    expect(events.every((e) => e.type === 'Pong')).toBe(true);
    expect(events.at(-1)!.data).toEqual({ text: 'streamed' });
    const recent = (await (await node.call('/v1/events?type=Ping&limit=2')).json()) as {
      items: { type: string }[];
    };
    expect(recent.items.map((e) => e.type)).toEqual(['Ping', 'Ping']);
  });

  it('metrics expose per-agent counters, durations, lag and breaker state without correlation labels', async () => {
    const res = await node.call('/metrics');
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    const value = (line: RegExp): number => Number(text.match(line)?.[1] ?? NaN);
    expect(value(/^troupe_agent_consumed_total\{agent="ponger"\} (\d+)/m)).toBeGreaterThanOrEqual(
      3,
    );
    expect(value(/^troupe_agent_emitted_total\{agent="ponger"\} (\d+)/m)).toBeGreaterThanOrEqual(3);
    expect(
      value(/^troupe_handler_duration_seconds_count\{agent="ponger",outcome="ok"\} (\d+)/m),
    ).toBeGreaterThanOrEqual(3);
    expect(text).toMatch(/^troupe_agent_lag\{agent="beater"\} \d+/m);
    expect(text).toMatch(/^troupe_agent_breaker_state\{agent="ponger"\} 0/m);
    expect(text).toMatch(/^troupe_agent_in_flight\{agent="ponger"\} \d+/m);
    expect(text).toMatch(/^troupe_agent_dead_lettered_total\{agent="ponger"\} 0/m);
    expect(text).not.toMatch(/correlation/i);
  });

  it('readyz checks the transport; agents list shows status and lag', async () => {
    const ready = await node.call('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok', checks: { transport: 'ok' } });
    const { items } = (await (await node.call('/v1/agents')).json()) as { items: AgentJson[] };
    expect(items.map((a) => a.name)).toEqual(expect.arrayContaining(['ponger', 'beater']));
    expect(items[0]!.stats).toMatchObject({ lag: expect.any(Number) as unknown });
    await problem(await node.call('/v1/agents/ghost'), 404, 'NOT_FOUND');
    await problem(await node.call('/v1/nothing-here'), 404, 'NOT_FOUND');
    await problem(await node.call('/v1/workspace?text=x'), 501, 'INVALID_OPTION');
  });
});

describe('OpenAPI', () => {
  it('describes every route the app serves', async () => {
    const doc = (await (await node.call('/v1/openapi.json')).json()) as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
    };
    expect(doc.openapi).toBe('3.1.0');
    const stack = (
      node.admin.app as unknown as {
        router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] };
      }
    ).router.stack;
    const routes = stack
      .filter((l) => l.route)
      .flatMap((l) =>
        Object.keys(l.route!.methods).map(
          (m) => [m, l.route!.path.replace(/:(\w+)/g, '{$1}')] as const,
        ),
      );
    expect(routes.length).toBeGreaterThan(15);
    for (const [method, path] of routes)
      expect(doc.paths[path]?.[method], `${method.toUpperCase()} ${path}`).toBeDefined();
  });
});
