// Module hooks for the coverage run of a TypeScript repository (coverage-analyzer): `.ts` files
// load with their types replaced by whitespace (ts-blank-space), so every line and column stays
// where it was and V8 coverage lines ARE source lines; no source maps to get wrong. Plain
// JavaScript so the child `node --test` process needs no TypeScript tooling to load it.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import tsBlankSpace from 'ts-blank-space';

export async function load(url, context, nextLoad) {
  if (url.startsWith('file:') && /\.[cm]?ts$/.test(url) && !url.includes('/node_modules/')) {
    const source = await readFile(fileURLToPath(url), 'utf8');
    return { format: 'module', source: tsBlankSpace(source), shortCircuit: true };
  }
  return nextLoad(url, context);
}
