/** Quota limits name the scalars agents offer; a typo is refused with the likely name. */
import test from 'ava';
import { QUOTA_RESOURCE_NAMES, quotaNameProblem } from '../../src/core/quota-names.js';
import { resolveMasterOptions } from '../../src/master/options.js';

test('the four scalars may be limited', (t) => {
  for (const name of QUOTA_RESOURCE_NAMES) t.is(quotaNameProblem(name), undefined, name);
});

test('a near miss is named, a far one is not, and ports is not a scalar', (t) => {
  t.is(
    quotaNameProblem('cpu'),
    'unknown resource "cpu" (expected one of cpus, gpus, mem, disk; did you mean "cpus"?)',
  );
  t.regex(quotaNameProblem('MEM') ?? '', /did you mean "mem"\?/u);
  t.regex(quotaNameProblem('memory') ?? '', /did you mean "mem"\?/u);
  t.is(quotaNameProblem('bandwidth'), 'unknown resource "bandwidth" (expected one of cpus, gpus, mem, disk)');
  t.is(quotaNameProblem('ports'), '"ports" is not a scalar resource: a quota limits cpus, gpus, mem, disk');
});

test('the master refuses a quota option that would limit nothing', (t) => {
  t.throws(() => resolveMasterOptions({ quotas: { analytics: { cpu: 8 } } }), {
    message: /^master option quotas\.analytics\.cpu: unknown resource "cpu"/u,
  });
});
