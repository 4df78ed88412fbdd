// The broken-manifest corpus (test-fixtures/broken/): one file per failure kind, each with the
// exact diagnostics it must produce (severity, code, line:column, path) and nothing else. The
// valid corpus (test-fixtures/valid/) must produce no diagnostic at all.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from './format.js';
import { validateManifests } from './validate.js';

const fixtures = fileURLToPath(new URL('../../test-fixtures/', import.meta.url));
const broken = path.join(fixtures, 'broken');
const valid = path.join(fixtures, 'valid');

type Expected = [
  severity: 'error' | 'warning',
  code: string,
  at: string,
  path: string,
  message?: RegExp,
];

interface Case {
  file: string;
  expect: Expected[];
  maxFileBytes?: number;
}

const CASES: Case[] = [
  { file: 'yaml-syntax.yaml', expect: [['error', 'yaml-syntax', '7:1', '', /Flow sequence/]] },
  { file: 'duplicate-key.yaml', expect: [['error', 'duplicate-key', '7:3', '']] },
  {
    file: 'alias-bomb.yaml',
    expect: [['error', 'yaml-alias', '8:11', '', /anchor '&a'.*49 more/]],
  },
  { file: 'anchor.yaml', expect: [['error', 'yaml-alias', '7:17', '', /&retry/]] },
  { file: 'custom-tag.yaml', expect: [['error', 'yaml-tag', '7:20', '', /!include/]] },
  {
    file: 'oversized.yaml',
    maxFileBytes: 1024,
    expect: [['error', 'file-too-large', '1:1', '', /1024-byte/]],
  },
  { file: 'non-utf8.yaml', expect: [['error', 'not-utf8', '1:1', '']] },
  { file: 'binary.yaml', expect: [['error', 'binary-file', '1:1', '']] },
  { file: 'not-a-mapping.yaml', expect: [['error', 'not-a-mapping', '1:1', '', /got a list/]] },
  {
    file: 'unknown-api-version.yaml',
    expect: [['error', 'unknown-api-version', '1:13', 'apiVersion']],
  },
  { file: 'unknown-kind.yaml', expect: [['error', 'unknown-kind', '2:7', 'kind', /'Agnet'/]] },
  { file: 'missing-field.yaml', expect: [['error', 'missing-field', '5:3', 'spec.handler']] },
  { file: 'unknown-field-typo.yaml', expect: [['error', 'unknown-field', '6:3', 'spec.subscrbe']] },
  {
    file: 'unknown-field-nested.yaml',
    expect: [['error', 'unknown-field', '8:5', 'spec.retry.attemps']],
  },
  {
    file: 'wrong-type.yaml',
    expect: [['error', 'wrong-type', '7:16', 'spec.concurrency', /must be an integer, got 'four'/]],
  },
  {
    file: 'out-of-range.yaml',
    expect: [['error', 'out-of-range', '7:22', 'spec.retry.attempts', /^must be >= 1, got 0$/]],
  },
  {
    file: 'out-of-range-jitter.yaml',
    expect: [['error', 'out-of-range', '8:13', 'spec.retry.jitter', /must be <= 1/]],
  },
  {
    file: 'invalid-enum.yaml',
    expect: [['error', 'invalid-value', '7:21', 'spec.retry.backoff', /one of 'exponential'/]],
  },
  {
    file: 'invalid-name.yaml',
    expect: [['error', 'invalid-name', '4:9', 'metadata.name', /DNS label/]],
  },
  {
    file: 'invalid-event-type-name.yaml',
    expect: [['error', 'invalid-name', '4:9', 'metadata.name', /event type name/]],
  },
  {
    file: 'invalid-where-path.yaml',
    expect: [['error', 'invalid-where-path', '9:9', 'spec.subscribe[0].where.dialect']],
  },
  {
    file: 'invalid-json-schema.yaml',
    expect: [
      [
        'error',
        'invalid-json-schema',
        '8:25',
        'spec.schema.properties.question.type',
        /unknown type 'strin'/,
      ],
    ],
  },
  {
    file: 'invalid-json-schema-keyword.yaml',
    expect: [['error', 'invalid-json-schema', '6:5', 'spec.schema', /requird/]],
  },
  {
    file: 'tool-input-not-object.yaml',
    expect: [['error', 'invalid-json-schema', '6:18', 'spec.input.type']],
  },
  {
    file: 'secret-literal.yaml',
    expect: [['error', 'secret-literal', '8:11', 'spec.apiKey', /env:NAME/]],
  },
  {
    file: 'secret-in-url.yaml',
    expect: [['error', 'secret-literal', '7:15', 'spec.connection', /password/]],
  },
  {
    file: 'handler-escapes-root.yaml',
    expect: [['error', 'handler-escapes-root', '5:12', 'spec.handler']],
  },
  {
    file: 'handler-not-found.yaml',
    expect: [['error', 'handler-not-found', '5:12', 'spec.handler', /does not exist/]],
  },
  {
    file: 'path-escapes-root.yaml',
    expect: [['error', 'path-escapes-root', '7:27', 'spec.connection.filename']],
  },
  { file: 'mcp-missing-command.yaml', expect: [['error', 'missing-field', '5:3', 'spec.command']] },
  {
    file: 'duplicate-items.yaml',
    expect: [['error', 'invalid-value', '7:17', 'spec.emits[2]', /duplicate item 'B'/]],
  },
  {
    file: 'saga-duplicate-step.yaml',
    expect: [['error', 'duplicate-name', '8:15', 'spec.steps[1].name']],
  },
  {
    file: 'quorum-count.yaml',
    expect: [['error', 'out-of-range', '6:35', 'spec.quorum.count', /must be <= 2/]],
  },
  {
    file: 'consumer-name-clash.yaml',
    expect: [
      [
        'error',
        'duplicate-name',
        '16:19',
        'metadata.name',
        /Aggregator name 'review' is taken by the Agent defined at .*consumer-name-clash\.yaml:8:19: both would read/,
      ],
    ],
  },
  {
    file: 'duplicate-name.yaml',
    expect: [
      [
        'error',
        'duplicate-name',
        '15:19',
        'metadata.name',
        /'worker': also defined at .*duplicate-name\.yaml:8:19/,
      ],
    ],
  },
  {
    file: 'cycle.yaml',
    expect: [
      [
        'error',
        'cycle',
        '9:19',
        'metadata.name',
        /cycle: a -> b -> c -> a \(via a\.done, b\.done, c\.done\)/,
      ],
    ],
  },
  {
    file: 'cycle-partly-allowed.yaml',
    expect: [['error', 'cycle', '18:19', 'metadata.name', /pong -> ping -> pong/]],
  },
  {
    file: 'self-cycle.yaml',
    expect: [['error', 'cycle', '8:19', 'metadata.name', /echo -> echo/]],
  },
  {
    file: 'unknown-connection.yaml',
    expect: [['error', 'unknown-connection', '12:17', 'spec.connections[0]']],
  },
  {
    file: 'uses-with-handler.yaml',
    expect: [['error', 'conflicting-field', '6:3', 'spec.handler', /mutually exclusive/]],
  },
  {
    file: 'uses-with-config.yaml',
    expect: [
      ['error', 'conflicting-field', '9:3', 'spec.config', /not read by a built-in/],
      ['error', 'conflicting-field', '8:3', 'spec.connections', /needs no 'connections'/],
    ],
  },
  { file: 'uses-without-tool.yaml', expect: [['error', 'missing-field', '5:3', 'spec.tool']] },
  {
    file: 'tool-without-uses.yaml',
    expect: [['error', 'conflicting-field', '7:3', 'spec.tool', /uses: mcp-tool/]],
  },
  {
    file: 'tool-unknown-connection.yaml',
    expect: [['error', 'unknown-connection', '17:23', 'spec.tool.connection', /'wether-mcp'/]],
  },
  {
    file: 'tool-wrong-connection-type.yaml',
    expect: [
      [
        'error',
        'wrong-connection-type',
        '17:23',
        'spec.tool.connection',
        /type sql.*needs type mcp/,
      ],
    ],
  },
  {
    file: 'invalid-template.yaml',
    expect: [
      ['error', 'invalid-template', '11:13', 'spec.tool.arguments.city', /'city' must start at/],
      ['error', 'invalid-template', '12:13', 'spec.tool.arguments.note', /unbalanced/],
    ],
  },
  {
    file: 'tool-timeout-over-handler.yaml',
    expect: [
      ['error', 'out-of-range', '8:90', 'spec.tool.timeoutMs', /<= spec.timeoutMs \(5000\)/],
    ],
  },
  {
    file: 'tool-emits-mismatch.yaml',
    expect: [
      ['error', 'invalid-value', '12:14', 'spec.tool.failure', /'weather.failed' is not listed/],
      ['error', 'invalid-value', '7:26', 'spec.emits[1]', /not 'weather.audit'/],
    ],
  },
  {
    file: 'collect-never-emitted.yaml',
    expect: [
      ['error', 'collect-never-emitted', '23:38', 'spec.collect[1]', /style\.check\.completed/],
    ],
  },
  {
    file: 'publish-never-consumed.yaml',
    expect: [
      ['warning', 'dead-subscription', '11:23', 'spec.subscribe[0].type'],
      ['error', 'publish-never-consumed', '20:12', 'spec.publish', /'questoin'/],
    ],
  },
  {
    file: 'until-never-emitted.yaml',
    expect: [['warning', 'until-never-emitted', '21:41', 'spec.until.failure[0]']],
  },
  {
    file: 'orphan-emission.yaml',
    expect: [['warning', 'orphan-emission', '12:11', 'spec.emits[0]', /invoice\.created/]],
  },
  {
    file: 'dead-subscription.yaml',
    expect: [['warning', 'dead-subscription', '11:47', 'spec.subscribe[1].type']],
  },
  {
    file: 'unreachable-agent.yaml',
    expect: [
      ['warning', 'unreachable-agent', '20:19', 'metadata.name', /island-a/],
      ['warning', 'unreachable-agent', '29:19', 'metadata.name', /island-b/],
    ],
  },
  {
    file: 'no-entry-point.yaml',
    expect: [
      ['warning', 'dead-subscription', '11:23', 'spec.subscribe[0].type'],
      ['warning', 'no-entry-point', '8:19', 'metadata.name'],
    ],
  },
];

/** Hints the corpus pins, because "did you mean" is part of the contract. */
const HINTS: Record<string, RegExp> = {
  'unknown-kind.yaml': /did you mean 'Agent'\?/,
  'unknown-field-typo.yaml': /did you mean 'subscribe'\?/,
  'unknown-field-nested.yaml': /did you mean 'attempts'\?/,
  'invalid-enum.yaml': /did you mean 'exponential'\?/,
  'invalid-json-schema.yaml': /did you mean 'string'\?/,
  'unknown-connection.yaml': /did you mean 'warehouse'\?/,
  'tool-unknown-connection.yaml': /did you mean 'weather-mcp'\?/,
  'invalid-where-path.yaml': /data\.dialect/,
  'cycle.yaml': /allowCycles: true on a, b, c/,
};

describe('broken manifest corpus', () => {
  it('has at least 32 fixtures, each with a table entry', () => {
    const files = readdirSync(broken).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThanOrEqual(32);
    expect(files.sort()).toEqual(CASES.map((c) => c.file).sort());
  });

  it.each(CASES)('$file', async ({ file, expect: expected, maxFileBytes }) => {
    const full = path.join(broken, file);
    const result = await validateManifests(
      [full],
      maxFileBytes === undefined ? {} : { maxFileBytes },
    );
    const got = result.diagnostics.map((d) => [
      d.severity,
      d.code,
      `${d.location?.line}:${d.location?.column}`,
      d.path,
    ]);
    expect(got).toEqual(expected.map(([s, c, at, p]) => [s, c, at, p]));
    result.diagnostics.forEach((d, i) => {
      expect(d.location?.file).toBe(full);
      const pattern = expected[i]![4];
      if (pattern !== undefined) expect(d.message).toMatch(pattern);
      // Human messages: no ajv jargon, no stack traces.
      expect(d.message).not.toMatch(/instancePath|schemaPath|\n\s+at /);
      expect(
        formatDiagnostic(d).startsWith(`${full}:${d.location?.line}:${d.location?.column}: `),
      ).toBe(true);
    });
    const hint = HINTS[file];
    if (hint !== undefined)
      expect(result.diagnostics.map((d) => d.hint ?? '').join('\n')).toMatch(hint);
    expect(result.ok).toBe(!expected.some(([s]) => s === 'error'));
  });
});

describe('valid manifest corpus', () => {
  it('validates the example system with no diagnostic', async () => {
    const result = await validateManifests([valid]);
    expect(result.diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.set.files?.map((f) => path.basename(f))).toEqual([
      'code-review.yaml',
      'deploy.yaml',
      'nl2sql.yaml',
      'weather.yaml',
    ]);
    expect(result.set.manifests.length).toBe(result.set.documents);
    for (const m of result.set.manifests) {
      // A built-in (uses: mcp-tool) agent has no handler module.
      if (m.manifest.kind !== 'Agent' || m.manifest.spec.uses !== undefined) continue;
      expect(path.isAbsolute(m.handlerPath!)).toBe(true);
      expect(m.handlerPath!.startsWith(m.projectRoot)).toBe(true);
    }
  });

  it('keeps what the user wrote: no defaults are injected', async () => {
    const result = await validateManifests([path.join(valid, 'code-review.yaml')]);
    const agent = result.set.manifests.find((m) => m.manifest.metadata.name === 'security-scan')!;
    expect(agent.manifest.spec).toEqual({
      handler: './handlers/security-scan.mjs',
      subscribe: [{ type: 'review.requested' }],
      emits: ['security.scan.completed'],
    });
  });
});
