/**
 * The live commands as a user runs them: `agora master` and `agora agent` processes on loopback,
 * and `agora execute` (like mesos-execute) against them.
 */
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { killHard, startAgent, startMaster } from '../runtime/live/processes.js';
import { runCli, tempDir } from './helpers.js';

const TLS = (name: string) => fileURLToPath(new URL(`../runtime/live/fixtures/tls/${name}`, import.meta.url));

/** Writes `text` to a new owner-only file named `name` and returns its path. */
function secretFile(name: string, text: string): string {
  const path = join(tempDir('secure'), name);
  writeFileSync(path, text);
  chmodSync(path, 0o600);
  return path;
}

test('agora execute prints each state change and exits 0 when the task finishes, 1 when it fails', async (t) => {
  const master = await startMaster(0, ['--allocation-interval', '0.2']);
  const agent = await startAgent(master.url, mkdtempSync(join(tmpdir(), 'agora-exec-')));
  try {
    const where = master.url.replace('http://', '');
    const ok = await runCli(
      'execute',
      '--master',
      where,
      '--name',
      'hello',
      '--command',
      'echo hi',
      '--timeout',
      '30',
    );
    t.is(ok.code, 0, ok.err);
    t.regex(ok.out, /^Subscribed with ID \S+\nSubmitted task 'hello' to agent '\S+'\n/u);
    t.regex(ok.out, /Received status update TASK_RUNNING for task 'hello'\n/u);
    t.regex(
      ok.out,
      /Received status update TASK_FINISHED for task 'hello': Command exited with status 0\n$/u,
    );
    const bad = await runCli(
      'execute',
      '--master',
      where,
      '--name',
      'oops',
      '--command',
      'exit 7',
      '--timeout',
      '30',
    );
    t.is(bad.code, 1);
    t.regex(bad.out, /TASK_FAILED for task 'oops': Command exited with status 7\n$/u);
  } finally {
    await killHard(agent.child);
    await killHard(master.child);
  }
});

test('a secure cluster from the command line: credentials, ACLs and TLS; agora execute with and without leave', async (t) => {
  const credentials = secretFile(
    'credentials.json',
    JSON.stringify({
      credentials: [
        { principal: 'fw', secret: 'fw-secret' },
        { principal: 'other', secret: 'other-secret' },
        { principal: 'agent', secret: 'agent-secret' },
      ],
    }),
  );
  const acls = secretFile(
    'acls.json',
    JSON.stringify({
      register_frameworks: [
        { principals: { values: ['fw'] }, roles: { values: ['analytics'] } },
        { principals: { type: 'NONE' }, roles: { values: ['analytics'] } },
      ],
    }),
  );
  const tls = [
    '--tls-key',
    TLS('server-key.pem'),
    '--tls-cert',
    TLS('server.pem'),
    '--tls-ca',
    TLS('ca.pem'),
  ];
  const master = await startMaster(0, [
    '--allocation-interval',
    '0.2',
    '--credentials',
    credentials,
    '--authenticate-frameworks',
    '--authenticate-agents',
    '--acls',
    acls,
    ...tls,
  ]);
  // The agent's credential in Mesos's older text form.
  const agentCredential = secretFile('agent-credential', 'agent agent-secret\n');
  const agent = await startAgent(master.url, tempDir('secure-agent'), 'cpus:2;mem:512', [
    '--credential',
    agentCredential,
    ...tls,
  ]);
  try {
    t.regex(master.url, /^https:\/\//u);
    const execute = (...extra: string[]) =>
      runCli(
        'execute',
        '--master',
        master.url,
        '--command',
        'echo hi',
        '--timeout',
        '30',
        '--tls-ca',
        TLS('ca.pem'),
        ...extra,
      );
    const ok = await execute(
      '--name',
      'hello',
      '--principal',
      'fw',
      '--secret-file',
      secretFile('fw', 'fw-secret\n'),
      '--role',
      'analytics',
    );
    t.is(ok.code, 0, ok.err);
    t.regex(ok.out, /TASK_FINISHED for task 'hello'/u);
    const anonymous = await execute('--name', 'anonymous');
    t.is(anonymous.code, 1);
    t.regex(anonymous.out, /Error: SUBSCRIBE answered 401: Missing 'Authorization' header/u);
    const forbidden = await execute(
      '--name',
      'forbidden',
      '--principal',
      'other',
      '--secret-file',
      secretFile('other', 'other-secret'),
      '--role',
      'analytics',
    );
    t.is(forbidden.code, 1);
    t.regex(forbidden.out, /Error: SUBSCRIBE answered 403: Not authorized to use role 'analytics'/u);
    t.notRegex(master.stderr() + agent.stderr(), /secret/u, 'no secret in the logs');
  } finally {
    await killHard(agent.child);
    await killHard(master.child);
  }
});

test('agora live --principal runs the scenario with authentication on: its agents register and its frameworks launch', async (t) => {
  const secret = secretFile('live', 'live-secret\n');
  const args = [
    'live',
    'scenarios/drf-paper.json',
    '--time-scale',
    '50',
    '--until',
    '60',
    '--quiet',
    '--json',
  ];
  const r = await runCli(...args, '--principal', 'replay', '--secret-file', secret);
  t.is(r.code, 0, r.err);
  const frameworks = (JSON.parse(r.out) as { frameworks: Record<string, { tasksLaunched: number }> })
    .frameworks;
  // Had the agents or frameworks been refused, nothing would launch (or the run would time out).
  t.true((frameworks.A?.tasksLaunched ?? 0) > 0, r.out);
  t.true((frameworks.B?.tasksLaunched ?? 0) > 0, r.out);
});

test('the security and limit flags refuse bad input in one line naming the flag and the file', async (t) => {
  const badJson = secretFile('bad.json', '{"credentials": [{"principal": "a"}]}');
  const badAcls = secretFile('acls.json', '{"register_frameworks": [{"principals": {"type": "ANY"}}]}');
  const cases: [string[], RegExp][] = [
    [
      ['master', '--credentials', '/no/such/file'],
      /^agora: --credentials: cannot read \/no\/such\/file: no such file \(ENOENT\)$/mu,
    ],
    [
      ['master', '--credentials', badJson],
      /--credentials: .*bad\.json: credentials\[0\]\.secret: is required/u,
    ],
    [
      ['master', '--authenticate-frameworks'],
      /--authenticate-frameworks: authentication requires a credentials file \(--credentials\)/u,
    ],
    [
      ['master', '--authenticate-agents'],
      /--authenticate-agents: authentication requires a credentials file/u,
    ],
    [['master', '--acls', badAcls], /--acls: .*: register_frameworks\[0\]\.roles: is required/u],
    [
      ['master', '--tls-key', TLS('server-key.pem')],
      /--tls-key and --tls-cert go together: give both or neither \(got only --tls-key\)/u,
    ],
    [['master', '--tls-cert', TLS('server.pem')], /got only --tls-cert/u],
    [
      ['master', '--tls-key', '/no/key.pem', '--tls-cert', TLS('server.pem')],
      /--tls-key: cannot read \/no\/key\.pem: no such file/u,
    ],
    [
      ['master', '--tls-key', TLS('server-key.pem'), '--tls-cert', TLS('ca.pem')],
      /does not belong to the certificate/u,
    ],
    [['master', '--max-connections', '0'], /--max-connections: expected a whole number from 1/u],
    [
      ['master', '--max-connections-per-client', 'many'],
      /--max-connections-per-client: expected a whole number from 1 to 1000000, got "many"/u,
    ],
    [
      ['master', '--max-request-memory', '1MB'],
      /--max-request-memory: 1MB is less than --max-request-size 16MB: a request of the largest size could never be read/u,
    ],
    [['master', '--max-request-size', '10XB'], /--max-request-size: expected a size .* got "10XB"/u],
    [['master', '--max-event-queue', '1KB'], /--max-event-queue: expected a size from 65536 bytes/u],
    [
      ['agent', '--master', 'https://127.0.0.1:5050'],
      /--master: https:\/\/127\.0\.0\.1:5050 uses TLS.*--tls-key and --tls-cert too/u,
    ],
    [
      [
        'agent',
        '--master',
        '127.0.0.1:5050',
        '--tls-key',
        TLS('server-key.pem'),
        '--tls-cert',
        TLS('server.pem'),
      ],
      /a TLS agent needs a TLS master/u,
    ],
    [['agent', '--master', 'ftp://x:1'], /--master: only http and https are supported/u],
    [
      ['agent', '--master', '127.0.0.1:5050', '--credential', '/no/cred'],
      /--credential: cannot read \/no\/cred/u,
    ],
    [
      ['execute', '--master', '127.0.0.1:1', '--name', 'x', '--command', 'true', '--principal', 'fw'],
      /--principal needs --secret-file/u,
    ],
    [
      ['execute', '--master', '127.0.0.1:1', '--name', 'x', '--command', 'true', '--secret-file', badJson],
      /--secret-file needs --principal/u,
    ],
    [
      ['execute', '--master', '127.0.0.1:1', '--name', 'x', '--command', 'true', '--tls-ca', '/no/ca.pem'],
      /--tls-ca: cannot read \/no\/ca\.pem/u,
    ],
    [['live', 'scenarios/drf-paper.json', '--principal', 'p'], /--principal needs --secret-file/u],
  ];
  for (const [args, message] of cases) {
    const r = await runCli(...args);
    t.is(r.code, 2, `${args.join(' ')}: ${r.err}`);
    t.regex(r.err, message, args.join(' '));
    t.notRegex(r.err, /\n\s+at /u, 'no stack trace');
  }
});

test('the live commands refuse bad flags with the flag and the value', async (t) => {
  for (const [args, message] of [
    [['master', '--port', '70000'], /--port: expected a whole number from 0 to 65535, got "70000"/u],
    [['master', '--port', '0', '--quota', 'a=cpus:x'], /--quota: a: cpus: expected an amount >= 0, got "x"/u],
    [['master', '--port', '0', '--quota', 'cpus:4'], /--quota: expected ROLE=NAME:AMOUNT/u],
    [
      ['master', '--port', '0', '--quota', 'a=cpus:1', '--quota', 'a=mem:1'],
      /--quota: role "a" is given twice/u,
    ],
    [['master', '--port', '0', '--weights', 'a=0'], /--weights: expected ROLE=WEIGHT.* got "a=0"/u],
    // A quota on a resource nothing offers would be kept, and enforce nothing (issue 13 item 10).
    [
      ['master', '--port', '0', '--quota', 'analytics=cpu:8'],
      /^agora: --quota: analytics: unknown resource "cpu" \(expected one of cpus, gpus, mem, disk; did you mean "cpus"\?\)$/mu,
    ],
    [
      ['master', '--port', '0', '--quota', 'analytics=ports:8'],
      /--quota: analytics: "ports" is not a scalar resource: a quota limits cpus, gpus, mem, disk/u,
    ],
    [['master', '--port', '0', '--quota', 'a=cpus:1;cpus:2'], /--quota: a: cpus is given twice/u],
    [
      ['master', '--port', '0', '--quota', 'a=cpus:0x10'],
      /--quota: a: cpus: expected an amount >= 0, got "0x10"/u,
    ],
    [['master', '--port', '0', '--weights', 'a=0x10'], /--weights: expected ROLE=WEIGHT.* got "a=0x10"/u],
    [['master', '--port', '0', '--weights', 'a=1,a=2'], /--weights: role "a" is given twice/u],
    [['agent', '--master', 'nowhere'], /--master: expected HOST:PORT with a port, got "nowhere"/u],
    [['agent', '--master', '127.0.0.1:5050', '--resources', 'cpu:1'], /--resources: unknown resource "cpu"/u],
    [
      ['execute', '--master', '127.0.0.1:1', '--name', 'x', '--command', 'true', '--timeout', '0'],
      /--timeout/u,
    ],
    [['live', 'scenarios/drf-paper.json', '--time-scale', '-1'], /--time-scale/u],
  ] as const) {
    const r = await runCli(...args);
    t.is(r.code, 2, args.join(' '));
    t.regex(r.err, message);
  }
});
