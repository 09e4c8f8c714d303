#!/usr/bin/env node
// Entry point of the `ntk-workbench` command: runs the TypeScript CLI through tsx's loader (a runtime dependency),
// so `npx ntk-workbench` works straight from a checkout with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src-main/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
