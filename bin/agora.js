#!/usr/bin/env node
// Entry point for `npx agora`: runs the TypeScript sources directly through tsx, so there is no
// build step to remember after `npm install`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
