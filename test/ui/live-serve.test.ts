/** `agora live --serve` prints the URL of the master's web UI (the live master serves it at /). */
import test from 'ava';
import { runCli } from '../cli/helpers.js';

test('agora live --serve prints the master’s web UI URL, even with --quiet', async (t) => {
  const r = await runCli('live', 'scenarios/drf-paper.json', '--until', '3', '--serve', '--quiet');
  t.is(r.code, 0, r.err);
  t.regex(r.err, /^agora live: the master's web UI: http:\/\/127\.0\.0\.1:\d+\/$/mu);
  t.regex(r.out, /scenario drf-paper/u);
});
