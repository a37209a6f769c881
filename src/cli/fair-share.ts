/**
 * `agora fair-share`: what a policy gives users with per-task demand vectors on one pool, by
 * discrete progressive filling (src/allocator/fair-share.ts). Parses flags, calls, prints.
 */
import type { Command } from '@commander-js/extra-typings';
import {
  DEFAULT_TASK_LIMIT,
  type FairShareResult,
  type FairShareUser,
  fairShare,
} from '../allocator/fair-share.js';
import type { SorterPolicy } from '../allocator/sorter.js';
import { assetPolicy } from '../allocator/sorters/asset.js';
import { drfPolicy } from '../allocator/sorters/drf.js';
import { formatResources, formatScalarAmounts, parseResources } from '../core/resource-text.js';
import type { Resources } from '../core/resources.js';
import type { Output } from './main.js';
import { alignRows } from './table.js';
import { UsageError } from './usage-error.js';

/**
 * The policies `fair-share` offers. The random sorter is left out on purpose: its order is a
 * fresh weighted lottery on every allocation, so what it "gives" is a property of the seed, not
 * of the users' demands, and is no fair share to report.
 */
const FAIR_SHARE_POLICIES: ReadonlyMap<string, SorterPolicy> = new Map(
  [drfPolicy, assetPolicy].map((p) => [p.name, p]),
);

/** The DRF paper's worked example (Ghodsi et al., NSDI 2011, §4): used when no pool is given. */
const PAPER_EXAMPLE = {
  capacity: 'cpus:9;mem:18432',
  users: ['A=cpus:1;mem:4096', 'B=cpus:3;mem:1024'],
} as const;

/** Rounding of dominant shares in the output: 4 decimal places. */
const SHARE_DECIMALS = 4;

interface FairShareOptions {
  capacity?: string;
  user?: string[];
  policy: string;
  weight?: string[];
  maxTasks?: string[];
  json?: true;
}

/** Accumulates a repeatable flag; no default value, so `--help` shows none. */
function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Splits `NAME=VALUE` at the first `=`. */
function splitAssignment(flag: string, text: string, what: string): [string, string] {
  const at = text.indexOf('=');
  if (at < 0) throw new UsageError(`${flag} "${text}": expected NAME=${what}`);
  const name = text.slice(0, at).trim();
  if (name === '') throw new UsageError(`${flag} "${text}": missing the user name before "="`);
  return [name, text.slice(at + 1)];
}

function parsePool(flag: string, text: string): Resources {
  const r = parseResources(text);
  if (!r.ok) throw new UsageError(`${flag}: ${r.error.message}`);
  return r.value;
}

function parseUsers(texts: readonly string[]): FairShareUser[] {
  const users: FairShareUser[] = [];
  const seen = new Set<string>();
  for (const text of texts) {
    const [name, demandText] = splitAssignment('--user', text, 'RESOURCES');
    if (seen.has(name)) throw new UsageError(`--user ${name}: given twice`);
    seen.add(name);
    const demand = parsePool(`--user ${name}`, demandText);
    // An empty task would fit forever; Mesos would not launch a task that asks for nothing.
    if (demand.isEmpty()) throw new UsageError(`--user ${name}: the task demand is empty`);
    users.push({ name, demand });
  }
  return users;
}

const DECIMAL = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/u;

/** Parses repeated `NAME=NUMBER` flags for known users; `whole` asks for a positive integer. */
function parsePerUser(
  flag: string,
  texts: readonly string[],
  users: readonly FairShareUser[],
  whole: boolean,
): Map<string, number> {
  const out = new Map<string, number>();
  const known = users.map((u) => u.name);
  for (const text of texts) {
    const [name, valueText] = splitAssignment(flag, text, 'NUMBER');
    if (!known.includes(name)) {
      throw new UsageError(`${flag} ${name}: no such user (users: ${known.join(', ')})`);
    }
    if (out.has(name)) throw new UsageError(`${flag} ${name}: given twice`);
    const v = valueText.trim();
    const n = Number(v);
    const good = DECIMAL.test(v) && Number.isFinite(n) && n > 0 && (!whole || Number.isSafeInteger(n));
    if (!good) {
      const expected = whole ? 'a positive whole number' : 'a positive number';
      throw new UsageError(`${flag} ${name}: expected ${expected}, got "${valueText}"`);
    }
    out.set(name, n);
  }
  return out;
}

/** Scalar names of the pool in canonical order, each once (reservations share a name). */
function scalarNames(pool: Resources): string[] {
  const names: string[] = [];
  for (const e of pool.entries) {
    if (e.value.kind === 'scalar' && names[names.length - 1] !== e.name) names.push(e.name);
  }
  return names;
}

function roundShare(share: number): number {
  const scale = 10 ** SHARE_DECIMALS;
  return Math.round(share * scale) / scale;
}

/**
 * The `--json` document: `{"policy", "users": {name: {tasks, dominantShare, allocated}}, "free"}`,
 * users in input order. Written by hand rather than with one `JSON.stringify` of an object,
 * because JavaScript objects put integer-like keys (a user called "2") before the others and
 * would reorder the users.
 */
export function formatFairShareJson(result: FairShareResult, capacity: Resources): string {
  const users = result.users.map(
    (u) =>
      `${JSON.stringify(u.name)}:${JSON.stringify({
        tasks: u.tasks,
        dominantShare: roundShare(u.dominantShare),
        allocated: formatResources(u.allocated),
      })}`,
  );
  const free = formatScalarAmounts(result.free, scalarNames(capacity));
  return `{"policy":${JSON.stringify(result.policy)},"users":{${users.join(',')}},"free":${JSON.stringify(free)}}\n`;
}

/** The readable table: one row per user, then what is left of the pool. */
export function formatFairShareTable(result: FairShareResult, capacity: Resources): string {
  const rows: string[][] = [['user', 'weight', 'tasks', 'dominant share', 'allocated']];
  for (const u of result.users) {
    rows.push([
      u.name,
      String(u.weight),
      String(u.tasks),
      roundShare(u.dominantShare).toFixed(SHARE_DECIMALS),
      u.tasks === 0 ? '-' : formatResources(u.allocated),
    ]);
  }
  const lines = [
    `policy ${result.policy} on pool ${formatResources(capacity)}`,
    ...alignRows(rows, [false, true, true, true, false]),
    `free ${formatScalarAmounts(result.free, scalarNames(capacity))}`,
  ];
  return `${lines.join('\n')}\n`;
}

/** Turns the flags into a result, or throws a {@link UsageError} naming the bad flag. */
function run(flags: FairShareOptions): { result: FairShareResult; capacity: Resources; example: boolean } {
  const options = {
    ...flags,
    user: flags.user ?? [],
    weight: flags.weight ?? [],
    maxTasks: flags.maxTasks ?? [],
  };
  const policy = FAIR_SHARE_POLICIES.get(options.policy);
  if (policy === undefined) {
    throw new UsageError(
      `--policy: unknown policy "${options.policy}" (fair-share supports ${[...FAIR_SHARE_POLICIES.keys()].join(', ')})`,
    );
  }
  const example = options.capacity === undefined && options.user.length === 0;
  if (options.capacity === undefined && !example) throw new UsageError('--user given without --capacity');
  if (options.capacity !== undefined && options.user.length === 0) {
    throw new UsageError('--capacity given without any --user');
  }
  const capacity = parsePool('--capacity', options.capacity ?? PAPER_EXAMPLE.capacity);
  if (capacity.isEmpty()) throw new UsageError('--capacity: the pool is empty');
  const users = parseUsers(example ? PAPER_EXAMPLE.users : options.user);
  const weights = parsePerUser('--weight', options.weight, users, false);
  const caps = parsePerUser('--max-tasks', options.maxTasks, users, true);
  const withOptions = users.map((u): FairShareUser => {
    const weight = weights.get(u.name);
    const maxTasks = caps.get(u.name);
    return {
      ...u,
      ...(weight === undefined ? {} : { weight }),
      ...(maxTasks === undefined ? {} : { maxTasks }),
    };
  });
  const r = fairShare({ capacity, users: withOptions, policy });
  if (!r.ok) {
    if (r.error.kind === 'task-limit') {
      throw new UsageError(
        `more than ${DEFAULT_TASK_LIMIT} tasks fit in the pool (the work limit); cap users with --max-tasks NAME=N or give larger demands`,
      );
    }
    throw new UsageError(r.error.message);
  }
  return { result: r.value, capacity, example };
}

/** Registers `fair-share` on the program; it prints to `output`. */
export function registerFairShare(program: Command, output: Output): void {
  program
    .command('fair-share')
    .summary('what a policy gives users with per-task demands on one pool')
    .description(
      'What a policy gives users with per-task demand vectors on one pool, by discrete progressive ' +
        'filling: repeatedly give the next task to the user with the lowest (weighted) share (ties: ' +
        'fewer tasks, then name), skipping users whose next task no longer fits, until none fits. ' +
        'The dominant share shown is the unweighted DRF share (allocation / pool), whatever the policy.\n\n' +
        "With no --capacity and no --user it runs the DRF paper's worked example (Ghodsi et al., NSDI 2011): " +
        `--capacity "${PAPER_EXAMPLE.capacity}" --user "${PAPER_EXAMPLE.users[0]}" --user "${PAPER_EXAMPLE.users[1]}".`,
    )
    .option('--capacity <resources>', 'the pool, in Mesos resource text, e.g. "cpus:9;mem:18432"')
    .option(
      '--user <name=resources>',
      'a user and the demand of each of its tasks, e.g. "A=cpus:1;mem:4096" (repeatable)',
      collect,
    )
    .option(
      '--policy <name>',
      'drf or asset (random is not offered: a random order reports its seed, not a share)',
      'drf',
    )
    .option('--weight <name=number>', 'weight of a user, default 1 (repeatable)', collect)
    .option('--max-tasks <name=count>', 'most tasks a user wants, default unbounded (repeatable)', collect)
    .option('--json', 'print one JSON line instead of a table')
    // Bad input is one line on stderr (the contract), so commander's own parse errors
    // (unknown option, missing value) are not followed by the "(run with --help ...)" hint that
    // the program would otherwise add.
    .showHelpAfterError(false)
    .addHelpText(
      'after',
      [
        '',
        'Example:',
        '  agora fair-share --capacity "cpus:9;mem:18432" \\',
        '    --user "A=cpus:1;mem:4096" --user "B=cpus:3;mem:1024" --json',
        '',
        `At most ${DEFAULT_TASK_LIMIT} tasks are placed: if more would fit, the command fails`,
        '(cap users with --max-tasks, or use larger demands). Bad input exits with code 2.',
        '',
      ].join('\n'),
    )
    .action((options) => {
      const { result, capacity, example } = run(options);
      if (options.json) {
        output.out(formatFairShareJson(result, capacity));
        return;
      }
      if (example) {
        output.out("(no --capacity or --user given: the DRF paper's example, Ghodsi et al., NSDI 2011)\n");
      }
      output.out(formatFairShareTable(result, capacity));
    });
}
