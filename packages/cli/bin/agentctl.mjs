#!/usr/bin/env node
// agentctl entry point. Troupe packages and user handlers are TypeScript run without a build
// step, so the tsx loader is registered before the CLI's own sources are imported.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv.slice(2));
