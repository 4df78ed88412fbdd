// `agentctl graph -f PATH… [--format mermaid|dot|json]`: the choreography graph the manifests
// declare (agents, aggregators, sagas, tools and the event types between them) on stdout.
// Fails (exit 1) only when the manifests do not load; analysis findings such as cycles are
// exactly what a graph is drawn to show, so they do not stop it.
import {
  buildGraph,
  hasErrors,
  loadManifests,
  renderDot,
  renderGraphData,
  renderMermaid,
} from '@troupe/core';
import { Option, type Command } from 'commander';
import { CliFailure } from '../errors.js';
import type { Io } from '../io.js';
import { filenameOption, printDiagnostics } from './shared.js';

type GraphFormat = 'mermaid' | 'dot' | 'json';

interface GraphOptions {
  filename: string[];
  format: GraphFormat;
}

export function register(program: Command, io: Io): void {
  const cmd = program
    .command('graph')
    .description('print the choreography graph declared by manifests');
  filenameOption(cmd);
  cmd
    .addOption(
      new Option('--format <format>', 'mermaid (Markdown, GitHub), dot (Graphviz) or json')
        .choices(['mermaid', 'dot', 'json'])
        .default('mermaid'),
    )
    .addHelpText(
      'after',
      `
Examples:
  agentctl graph -f manifests/ > graph.mmd
  agentctl graph -f manifests/ --format dot | dot -Tsvg > graph.svg`,
    )
    .action(async (opts: GraphOptions) => {
      const set = await loadManifests(opts.filename);
      if (hasErrors(set.diagnostics)) {
        printDiagnostics(io, set.diagnostics);
        throw new CliFailure('manifests do not load; run agentctl validate for details');
      }
      const graph = buildGraph(set.manifests);
      if (opts.format === 'json') io.out(`${JSON.stringify(renderGraphData(graph), null, 2)}\n`);
      else io.out(opts.format === 'dot' ? renderDot(graph) : renderMermaid(graph));
    });
}
