#!/usr/bin/env node
// Entry point for `npx agora`: runs the TypeScript sources directly through tsx, so there is no
// build step to remember after `npm install`.
import { register } from 'tsx/esm/api';

register();
// A reader that goes away early (`agora sim … | head`) is not an error: stop quietly, as Unix
// tools do, instead of dying with an unhandled EPIPE stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
}
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
