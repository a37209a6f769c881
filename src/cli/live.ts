/**
 * The live commands: `agora master`, `agora agent` (long-running servers, stopped by SIGINT or
 * SIGTERM) and `agora execute` (Mesos's mesos-execute: one command task, exit 0 if it finished).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from '@commander-js/extra-typings';
import { DEFAULT_POLICY, findPolicy, POLICIES } from '../allocator/policies.js';
import type { SorterPolicy } from '../allocator/sorter.js';
import type { Attribute } from '../core/messages/resources-json.js';
import { cleanupAgentWorkDir, RecoveryError } from '../runtime/live/agent-recovery.js';
import { AgentServer } from '../runtime/live/agent-server.js';
import {
  type LagReport,
  MIN_REAL_TIMING_MS,
  maxTimeScale,
  smallestTimingMs,
} from '../runtime/live/live-lag.js';
import { runLiveScenario } from '../runtime/live/live-scenario-run.js';
import { liveSchedulerDriver } from '../runtime/live/live-scheduler.js';
import { lineLogger } from '../runtime/live/logger.js';
import { clearLongTimeout, setLongTimeout } from '../runtime/live/long-timer.js';
import type { MasterSecurity } from '../runtime/live/master-security.js';
import { MasterServer, RegistryError } from '../runtime/live/master-server.js';
import { agentLeader } from '../runtime/live/zk/agent-leader.js';
import { HaMaster } from '../runtime/live/zk/ha-master.js';
import { DEFAULT_ZK_SESSION_TIMEOUT_MS } from '../runtime/live/zk/zk-defaults.js';
import { clusterPlan } from '../runtime/plan/cluster-plan.js';
import { parseAttributes } from '../scenario/attributes.js';
import type { FaultSpec } from '../scenario/schema.js';
import { ExecuteScheduler } from './execute-scheduler.js';
import {
  parseAdvertisePort,
  parseCountFlag,
  parsePort,
  parseQuotaFlags,
  parseResourceFlag,
  parseSecondsFlag,
  parseWeightsFlag,
} from './live-flags.js';
import { loggerFromFlags, MasterRetryReport, traceToLog, withLogOptions } from './live-logging.js';
import {
  parseByteSizeFlag,
  readAclsFlag,
  readClientSecurityFlags,
  readCredentialFlag,
  readCredentialsFlag,
  readPrincipalFlags,
  readTlsFlags,
} from './live-security-flags.js';
import type { Output } from './main.js';
import { Progress } from './progress.js';
import { checkReportDir, writeRunReport } from './report-dir.js';
import { parsePolicy, parseSeed, parseUntilMs } from './run-flags.js';
import { readScenarioFile } from './scenario-file.js';
import { formatRunSummary } from './sim.js';
import { CommandExit, UsageError } from './usage-error.js';
import { parseMasterFlag, readZkMasterFlags, withZkMasterOptions } from './zk-flags.js';

/** The flags of `agora master`. */
interface MasterFlags {
  readonly host: string;
  readonly port: string;
  readonly workDir?: string;
  readonly allocationInterval: string;
  readonly agentPingTimeout: string;
  readonly maxAgentPingTimeouts: string;
  readonly agentReregisterTimeout: string;
  readonly offerTimeout?: string;
  readonly credentials?: string;
  readonly authenticateFrameworks?: true;
  readonly authenticateAgents?: true;
  readonly authenticateHttpReadwrite?: true;
  readonly authenticateHttpReadonly?: true;
  readonly acls?: string;
  readonly tlsKey?: string;
  readonly tlsCert?: string;
  readonly tlsCa?: string;
  readonly logLevel?: string;
  readonly quiet?: true;
  readonly maxConnections: string;
  readonly maxConnectionsPerClient: string;
  readonly maxRequestSize: string;
  readonly maxRequestMemory: string;
  readonly maxEventQueue: string;
  readonly weights?: string;
  readonly quota?: readonly string[];
  readonly policy: string;
  readonly seed?: string;
  readonly filterGpuResources: boolean;
  readonly zk?: string;
  readonly quorum?: string;
  readonly zkSessionTimeout?: string;
}

/** The TLS flags every live server and client shares (Mesos's LIBPROCESS_SSL_* as flags). */
function withTlsOptions<C extends Command<never[], Record<string, unknown>>>(command: C, serves: boolean): C {
  if (serves) {
    command
      .option('--tls-key <file>', 'serve HTTPS with this PEM private key (with --tls-cert)')
      .option('--tls-cert <file>', 'serve HTTPS with this PEM certificate (with --tls-key)');
  }
  command.option(
    '--tls-ca <file>',
    'trust the CA certificates in this PEM file, instead of the system CAs, for https peers (like curl --cacert; verification is always on)',
  );
  return command;
}

/** Resolves on the first SIGINT or SIGTERM. */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

/** Registers `master`, `agent` and `execute`. */
export function registerLive(program: Command, output: Output): void {
  const master = program
    .command('master')
    .summary('run a live master (Mesos v1 scheduler API) on one port')
    .description(
      'Run a live master on one port: the Mesos v1 scheduler HTTP API (/api/v1/scheduler), the operator ' +
        'API (/api/v1, JSON or protobuf), agent registration, and /master/state, /metrics/snapshot, /quota and /health. Runs until SIGINT or SIGTERM.',
    )
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0: any free port)', '5050')
    .option(
      '--work-dir <dir>',
      'folder for the registry (agents admitted, unreachable and gone; framework ids; weights; ' +
        'quota), written with fsync and rename so a restarted master recovers it (default: in memory only)',
    )
    .option(
      '--weights <list>',
      'role weights, ROLE=WEIGHT,... e.g. analytics=2,web=0.5 (Mesos --weights); once in the registry, the registry wins',
    )
    .option(
      '--quota <role=limits>',
      'quota limits of a role, e.g. analytics=cpus:8;mem:16384 (repeat for more roles): the role is never ' +
        'allocated more (Mesos UPDATE_QUOTA limits); once in the registry, the registry wins; see GET /quota',
      (item: string, all: string[] = []) => [...all, item],
    )
    .option(
      '--allocation-interval <seconds>',
      'time between allocation cycles (Mesos --allocation_interval)',
      '1',
    )
    .option(
      '--agent-ping-timeout <seconds>',
      'how often agents are pinged (Mesos --agent_ping_timeout)',
      '15',
    )
    .option(
      '--max-agent-ping-timeouts <n>',
      'missed pings before an agent is unreachable (Mesos --max_agent_ping_timeouts)',
      '5',
    )
    .option('--policy <name>', `the allocation policy: ${[...POLICIES.keys()].join(', ')}`, DEFAULT_POLICY)
    .option('--seed <n>', 'seed of the master’s random choices (default: the clock)')
    .option(
      '--no-filter-gpu-resources',
      'offer agents with GPUs to every framework, not only to those with the GPU_RESOURCES capability (Mesos --filter_gpu_resources=false)',
    )
    .option(
      '--agent-reregister-timeout <seconds>',
      'how long a disconnected agent, or one the registry lists after a restart, has to reregister before it is ' +
        'marked unreachable and its tasks lost (Mesos --agent_reregister_timeout, which must be at least 10 minutes there)',
      '600',
    )
    .option(
      '--offer-timeout <seconds>',
      'rescind offers unused this long (Mesos --offer_timeout; default: never)',
    )
    .option(
      '--credentials <file>',
      'principals and secrets: Mesos JSON {"credentials":[{"principal":..,"secret":..}]} or "principal secret" lines',
    )
    .option(
      '--authenticate-frameworks',
      'schedulers must send HTTP Basic credentials from --credentials, else 401 (Mesos --authenticate_http_frameworks)',
    )
    .option(
      '--authenticate-agents',
      'agents must send their --credential, else 401 (Mesos --authenticate_agents); without it, a credential an agent sends must still be valid',
    )
    .option(
      '--authenticate-http-readwrite',
      'read-write HTTP endpoints need HTTP Basic credentials from --credentials, else 401 (realm mesos-master-readwrite): ' +
        'the operator API /api/v1, every call (Mesos --authenticate_http_readwrite; default: unauthenticated requests allowed)',
    )
    .option(
      '--authenticate-http-readonly',
      'the read-only endpoints (/master/*, /state, /metrics, the web UI) ask for HTTP Basic credentials from --credentials (Mesos --authenticate_http_readonly)',
    )
    .option(
      '--acls <file>',
      'Mesos ACLs JSON; its register_frameworks rules (and permissive, default true) decide which principal may use which role, ' +
        'its register_agents rules which principal may register agents, and at which hosts (403)',
    )
    .option('--max-connections <n>', 'connections served at once; more are closed as they arrive', '1000')
    .option(
      '--max-connections-per-client <n>',
      'connections one client address may hold at once; more are closed as they arrive (raise it for a large cluster on one machine)',
      '256',
    )
    .option(
      '--max-request-size <bytes>',
      'largest request body (e.g. 512KB, 16MB); larger ones get 413',
      '16MB',
    )
    .option(
      '--max-request-memory <bytes>',
      'request body bytes held at once across all requests; a body that would go past it gets 503 (at least --max-request-size)',
      '64MB',
    )
    .option(
      '--max-event-queue <bytes>',
      'unread events a subscriber may leave queued before its stream is closed (it may resubscribe)',
      '64MB',
    );
  withLogOptions(withTlsOptions(withZkMasterOptions(master), true)).action(async (flags: MasterFlags) => {
    const logger = loggerFromFlags('master', flags, output);
    const port = parsePort(flags.port);
    const zk = readZkMasterFlags(flags);
    const masterOptions = {
      allocationIntervalMs: parseSecondsFlag('--allocation-interval', flags.allocationInterval, 3600) * 1000,
      agentPingTimeoutMs: parseSecondsFlag('--agent-ping-timeout', flags.agentPingTimeout, 86_400) * 1000,
      maxAgentPingTimeouts: parseCountFlag('--max-agent-ping-timeouts', flags.maxAgentPingTimeouts, 1000),
      agentReregisterTimeoutMs:
        parseSecondsFlag('--agent-reregister-timeout', flags.agentReregisterTimeout, 365 * 86_400) * 1000,
      ...(flags.offerTimeout === undefined
        ? {}
        : { offerTimeoutMs: parseSecondsFlag('--offer-timeout', flags.offerTimeout, 86_400) * 1000 }),
      ...(flags.weights === undefined ? {} : { weights: parseWeightsFlag(flags.weights) }),
      quotas: parseQuotaFlags(flags.quota ?? []),
      policy: masterPolicy(parsePolicy(flags.policy)),
      filterGpuResources: flags.filterGpuResources,
    };
    const maxRequestBytes = parseByteSizeFlag('--max-request-size', flags.maxRequestSize, 1024, 1024 ** 3);
    const maxRequestMemoryBytes = parseByteSizeFlag(
      '--max-request-memory',
      flags.maxRequestMemory,
      1024,
      16 * 1024 ** 3,
    );
    if (maxRequestMemoryBytes < maxRequestBytes) {
      throw new UsageError(
        `--max-request-memory: ${flags.maxRequestMemory} is less than --max-request-size ${flags.maxRequestSize}: a request of the largest size could never be read`,
      );
    }
    const limits = {
      maxConnections: parseCountFlag('--max-connections', flags.maxConnections, 1_000_000),
      maxConnectionsPerClient: parseCountFlag(
        '--max-connections-per-client',
        flags.maxConnectionsPerClient,
        1_000_000,
      ),
      maxRequestBytes,
      maxRequestMemoryBytes,
      maxEventQueueBytes: parseByteSizeFlag(
        '--max-event-queue',
        flags.maxEventQueue,
        64 * 1024,
        16 * 1024 ** 3,
      ),
    };
    const { security, warnings } = masterSecurityFlags(flags);
    const tls = readTlsFlags(flags);
    for (const w of warnings) output.err(`agora master: warning: ${w}\n`);
    const serverOptions = {
      host: flags.host,
      port,
      master: masterOptions,
      ...(flags.seed === undefined ? {} : { seed: parseSeed(flags.seed) }),
      limits,
      security,
      ...tls,
      ...(flags.workDir === undefined ? {} : { workDir: flags.workDir }),
      log: (line: string) => logger.warning(line),
      trace: traceToLog(logger),
    };
    const started = await startOrExplain<{ url: string; close(): Promise<void> }>(() =>
      zk === undefined
        ? MasterServer.start(serverOptions)
        : HaMaster.start({ ...serverOptions, zk: zk.zk, sessionTimeoutMs: zk.sessionTimeoutMs }),
    );
    output.err(`agora master: listening on ${started.url}\n`);
    const signal = await untilSignal();
    output.err(`agora master: ${signal}, stopping\n`);
    await started.close();
  });

  const agent = program
    .command('agent')
    .summary('run a live agent that runs tasks as child processes')
    .description(
      'Run a live agent: it registers with the master, runs command tasks as child processes in ' +
        'sandboxes under --work-dir (stdout and stderr captured there), and retries status updates ' +
        'until acknowledged. It does not enforce resource limits (no cgroups) or the task user. ' +
        'Runs until SIGINT or SIGTERM.',
    )
    .requiredOption(
      '--master <host:port>',
      'the master, e.g. 127.0.0.1:5050 or https://master:5050, or zk://host1:2181,host2:2181/mesos to follow the leader elected in ZooKeeper',
    )
    .option('--host <host>', 'address to listen on (the master reaches the agent there)', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0: any free port)', '5051')
    .option(
      '--advertise-port <port>',
      'the port the master reaches this agent at, when one is forwarded to it (Mesos --advertise_port); part of the agent’s address, so a restart must give the same',
    )
    .option(
      '--resources <text>',
      'resources offered, Mesos text syntax',
      'cpus:4;mem:4096;ports:[31000-32000]',
    )
    .option(
      '--work-dir <dir>',
      'sandboxes go under it, and the checkpoint a restarted agent recovers from (meta/)',
      '/tmp/agora-agent',
    )
    .option(
      '--recover <mode>',
      'reconnect: take back the tasks of checkpointing frameworks after a restart and reregister under the same ' +
        'agent id; cleanup: kill every task the work dir’s agent left running, remove its checkpoint, and exit (Mesos --recover)',
      'reconnect',
    )
    .option(
      '--recovery-timeout <seconds>',
      'how long the tasks of checkpointing frameworks outlive a dead agent, waiting for it to come back (Mesos --recovery_timeout)',
      '900',
    )
    .option(
      '--no-strict',
      'start afresh, as a new agent, when the checkpoint cannot be recovered, instead of refusing to start (Mesos --strict=false)',
    )
    .option(
      '--max-connections-per-client <n>',
      'connections one client address may hold at once (the master, and executors from this host: two each)',
      '256',
    )
    .option(
      '--time-scale <x>',
      'divide the agent’s own timings (registration backoff, status update retries, executor timeouts and grace periods) by x, as agora live --processes does for a replay at that time scale',
      '1',
    )
    .option(
      '--attributes <text>',
      'attributes offered with the agent’s resources, e.g. rack:r1;zone:a (Mesos --attributes)',
    )
    .option(
      '--credential <file>',
      'this agent’s principal and secret, sent to the master as HTTP Basic: {"principal":..,"secret":..} or one "principal secret" line (Mesos --credential)',
    )
    .option(
      '--http-credentials <file>',
      'principals and secrets the read-only endpoints (/state, /flags, /files/*, /monitor/statistics, /metrics) then ask for as HTTP Basic, in --credentials’ format (Mesos --authenticate_http_readonly with --http_credentials)',
    );
  withLogOptions(withTlsOptions(agent, true)).action(
    async (flags: {
      master: string;
      host: string;
      port: string;
      advertisePort?: string;
      resources: string;
      workDir: string;
      maxConnectionsPerClient: string;
      recover: string;
      recoveryTimeout: string;
      strict: boolean;
      credential?: string;
      httpCredentials?: string;
      attributes?: string;
      timeScale: string;
      tlsKey?: string;
      tlsCert?: string;
      tlsCa?: string;
      logLevel?: string;
      quiet?: true;
    }) => {
      const logger = loggerFromFlags('agent', flags, output);
      if (flags.recover !== 'reconnect' && flags.recover !== 'cleanup') {
        throw new UsageError(`--recover: expected reconnect or cleanup, got "${flags.recover}"`);
      }
      const recoveryTimeoutMs =
        parseSecondsFlag('--recovery-timeout', flags.recoveryTimeout, 365 * 86_400) * 1000;
      if (flags.recover === 'cleanup') {
        // Mesos: "kill any old live executors and exit".
        const killed = cleanupAgentWorkDir(resolve(flags.workDir));
        output.err(
          `agora agent: cleaned up ${flags.workDir}: killed ${killed} task process group(s) and removed the checkpoint\n`,
        );
        return;
      }
      const { url: masterUrl, zk } = parseMasterFlag(flags.master);
      const port = parsePort(flags.port);
      const resources = parseResourceFlag(flags.resources);
      const credential = flags.credential === undefined ? undefined : readCredentialFlag(flags.credential);
      const tls = readTlsFlags(flags);
      const leader =
        zk === undefined
          ? undefined
          : agentLeader(zk, tls.tls === undefined ? 'http' : 'https', DEFAULT_ZK_SESSION_TIMEOUT_MS, (line) =>
              output.err(`agent: ${line}\n`),
            );
      if (zk === undefined && masterUrl.startsWith('https:') && tls.tls === undefined) {
        throw new UsageError(
          `--master: ${masterUrl} uses TLS, and a TLS master reaches its agents over HTTPS: give the agent --tls-key and --tls-cert too`,
        );
      }
      if (zk === undefined && !masterUrl.startsWith('https:') && tls.tls !== undefined) {
        throw new UsageError(
          `--tls-key, --tls-cert: a TLS agent needs a TLS master (--master https://…), not ${masterUrl}`,
        );
      }
      const httpCredentials =
        flags.httpCredentials === undefined ? undefined : readCredentialsFlag(flags.httpCredentials);
      for (const w of [...(credential?.warnings ?? []), ...(httpCredentials?.warnings ?? [])])
        output.err(`agora agent: warning: ${w}\n`);
      const retries = new MasterRetryReport(logger, masterUrl);
      const logTrace = traceToLog(logger);
      const started = await startOrExplain(() =>
        AgentServer.start({
          masterUrl,
          host: flags.host,
          port,
          ...(flags.advertisePort === undefined
            ? {}
            : { advertisePort: parseAdvertisePort(flags.advertisePort) }),
          resources,
          workDir: flags.workDir,
          maxConnectionsPerClient: parseCountFlag(
            '--max-connections-per-client',
            flags.maxConnectionsPerClient,
            1_000_000,
          ),
          strict: flags.strict,
          recoveryTimeoutMs,
          timeScale: parseAgentTimeScale(flags.timeScale),
          ...(flags.attributes === undefined
            ? {}
            : { agent: { attributes: parseAttributesFlag(flags.attributes) } }),
          ...(credential === undefined ? {} : { credential: credential.value }),
          ...(httpCredentials === undefined ? {} : { httpCredentials: httpCredentials.value }),
          ...tls,
          ...(leader === undefined ? {} : { leader: leader.hooks }),
          log: (line) => logger.warning(line),
          trace: (event) => {
            retries.trace(event);
            logTrace(event);
          },
          masterFailed: (why) => retries.failed(why),
        }),
      );
      leader?.attach(started.agent);
      output.err(
        `agora agent: ${started.address} (listening on port ${started.port}, master ${masterUrl}, work dir ${flags.workDir})\n`,
      );
      const signal = await untilSignal();
      output.err(`agora agent: ${signal}, stopping\n`);
      leader?.close();
      await started.close();
    },
  );

  const execute = program
    .command('execute')
    .summary('run one command task through a master, like mesos-execute')
    .description(
      'Run one command task through the master, like mesos-execute: prints each state change and ' +
        'exits 0 when the task finishes, 1 when it ends otherwise.',
    )
    .requiredOption(
      '--master <host:port>',
      'the master, e.g. 127.0.0.1:5050 or https://master:5050, or zk://host1:2181,host2:2181/mesos to follow the leader elected in ZooKeeper',
    )
    .requiredOption('--name <name>', 'the task’s name and id')
    .requiredOption('--command <cmd>', 'the shell command to run')
    .option('--resources <text>', 'resources for the task', 'cpus:0.1;mem:32')
    .option('--role <role>', 'the framework’s role (mesos-execute --role)', '*')
    .option(
      '--timeout <seconds>',
      'give up after this long, saying what it was waiting for (the master, an offer that fits, the task), and exit 1',
      '60',
    )
    .option(
      '--principal <name>',
      'authenticate as this principal (HTTP Basic), also set as FrameworkInfo.principal',
    )
    .option('--secret-file <file>', 'the principal’s secret: the file’s content, less one final newline');
  withTlsOptions(execute, false).action(
    async (flags: {
      master: string;
      name: string;
      command: string;
      resources: string;
      role: string;
      timeout: string;
      principal?: string;
      secretFile?: string;
      tlsCa?: string;
    }) => {
      const masterUrl = parseMasterFlag(flags.master).url;
      const resources = parseResourceFlag(flags.resources);
      if (flags.name.trim() === '') throw new UsageError('--name: expected a task name, got ""');
      const timeoutS = Number(flags.timeout);
      if (!(timeoutS > 0 && Number.isFinite(timeoutS))) {
        throw new UsageError(`--timeout: expected seconds > 0, got "${flags.timeout}"`);
      }
      const role = flags.role.trim();
      if (role === '') throw new UsageError('--role: expected a role name, got ""');
      const security = readClientSecurityFlags(flags);
      for (const w of security.warnings) output.err(`agora execute: warning: ${w}\n`);
      const principal = security.value.credential?.principal;
      const logger = lineLogger({ component: 'execute', write: (line) => output.err(line) });
      /** The driver's last complaint (a master it cannot reach), to say why it timed out. */
      let lastProblem: string | undefined;
      const scheduler = new ExecuteScheduler({
        name: flags.name,
        command: flags.command,
        resources,
        print: (line) => output.out(`${line}\n`),
      });
      const { driver, close } = liveSchedulerDriver(
        scheduler,
        {
          user: process.env.USER ?? 'agora',
          name: `agora-execute ${flags.name}`,
          ...(role === '*' ? {} : { role }),
          ...(principal === undefined ? {} : { principal }),
        },
        {
          masterUrl,
          log: (line) => {
            lastProblem = line.replace(/; the driver retries with backoff$/u, '');
            logger.warning(line);
          },
          ...security.value,
        },
      );
      const timer = setLongTimeout(() => {
        scheduler.failure = `timed out after ${timeoutS} s: ${scheduler.waitingFor(lastProblem, flags.resources)}`;
        driver.abort();
      }, timeoutS * 1000);
      await driver.run();
      clearLongTimeout(timer);
      await close();
      const ok = scheduler.final?.state === 'TASK_FINISHED';
      if (!ok && scheduler.failure !== undefined) output.err(`agora execute: ${scheduler.failure}\n`);
      if (!ok) throw new CommandExit(1);
    },
  );
}

/** The master's security flags, checked as Mesos checks them, and what to warn about. */
function masterSecurityFlags(flags: MasterFlags): { security: MasterSecurity; warnings: string[] } {
  const asked = [
    flags.authenticateFrameworks === true ? '--authenticate-frameworks' : undefined,
    flags.authenticateAgents === true ? '--authenticate-agents' : undefined,
    flags.authenticateHttpReadwrite === true ? '--authenticate-http-readwrite' : undefined,
    flags.authenticateHttpReadonly === true ? '--authenticate-http-readonly' : undefined,
  ].filter((f) => f !== undefined);
  const which = asked[0];
  if (which !== undefined && flags.credentials === undefined) {
    // Mesos: "Authentication requires a credentials file (see --credentials flag)"; for HTTP
    // endpoints, its default `basic` authenticator likewise needs --credentials.
    throw new UsageError(`${which}: authentication requires a credentials file (--credentials)`);
  }
  const warnings: string[] = [];
  const credentials = flags.credentials === undefined ? undefined : readCredentialsFlag(flags.credentials);
  const acls = flags.acls === undefined ? undefined : readAclsFlag(flags.acls);
  warnings.push(...(credentials?.warnings ?? []), ...(acls?.warnings ?? []));
  if (credentials !== undefined && flags.authenticateFrameworks !== true) {
    warnings.push(
      '--credentials without --authenticate-frameworks: schedulers are not authenticated (as in Mesos without --authenticate_http_frameworks)',
    );
  }
  if (acls !== undefined && flags.authenticateFrameworks !== true) {
    warnings.push(
      '--acls without --authenticate-frameworks: the ACLs judge whatever principal a framework claims',
    );
  }
  return {
    security: {
      ...(credentials === undefined ? {} : { credentials: credentials.value }),
      ...(flags.authenticateFrameworks === true ? { authenticateFrameworks: true } : {}),
      ...(flags.authenticateAgents === true ? { authenticateAgents: true } : {}),
      ...(flags.authenticateHttpReadwrite === true ? { authenticateHttpReadwrite: true } : {}),
      ...(flags.authenticateHttpReadonly === true ? { authenticateHttpReadonly: true } : {}),
      ...(acls === undefined ? {} : { acls: acls.value }),
    },
    warnings,
  };
}

/** The allocation policy of `name` (already checked by parsePolicy). */
function masterPolicy(name: string): SorterPolicy {
  const policy = findPolicy(name);
  if (typeof policy === 'string') throw new UsageError(`--policy: ${policy}`);
  return policy;
}

/** `agora agent --time-scale`: a number above 0, at most 1,000,000 (as `agora live`'s). */
function parseAgentTimeScale(text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !(n > 0 && n <= 1_000_000)) {
    throw new UsageError(`--time-scale: expected a number above 0 and at most 1000000, got "${text}"`);
  }
  return n;
}

/** `--attributes`: Mesos attribute text. */
function parseAttributesFlag(text: string): Attribute[] {
  const parsed = parseAttributes(text);
  if (!parsed.ok) throw new UsageError(`--attributes: ${parsed.error}`);
  return parsed.value;
}

/** Starts a server, turning "address in use" and the like into a one-line usage error. */
async function startOrExplain<T>(start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'EADDRINUSE')
      throw new UsageError(`--port: the address is in use (${(e as Error).message})`);
    if (code === 'EACCES')
      throw new UsageError(`--port: not allowed to listen there (${(e as Error).message})`);
    if (code === 'EADDRNOTAVAIL')
      throw new UsageError(`--host: no such local address (${(e as Error).message})`);
    if (e instanceof RegistryError)
      throw new UsageError(`--work-dir: cannot recover the registry: ${e.message}`);
    if (e instanceof RecoveryError)
      throw new UsageError(`--work-dir: cannot recover the agent's checkpoint: ${e.message}`);
    throw e;
  }
}

/** The flags of `agora live`. */
interface LiveFlags {
  readonly timeScale: string;
  readonly seed?: string;
  readonly policy?: string;
  readonly until?: string;
  readonly json?: true;
  readonly out?: string;
  readonly workDir?: string;
  readonly quiet?: true;
  readonly principal?: string;
  readonly secretFile?: string;
  readonly strict?: true;
  readonly processes?: true;
  readonly serve?: true;
}

/** Registers `live`. */
export function registerLiveReplay(program: Command, output: Output): void {
  program
    .command('live')
    .summary('replay a scenario on a live loopback cluster in real time')
    .description(
      'Replay a scenario on a live cluster on loopback: a master and the scenario’s agents (each on ' +
        'its own HTTP port), its frameworks over the v1 scheduler API, tasks as real sleep ' +
        'processes, in real time divided by --time-scale. Prints the same summary as agora sim ' +
        '(events is 0: there is no event queue) and, with --out, writes the same report. The run ' +
        'is built from the same plan as agora sim (weights, quotas, checkpointing, supervisor restarts). ' +
        'Faults are replayed on the real processes: agent and master crashes (SIGKILL with --processes; ' +
        'restarts on the same work dir and registry; a reboot empties the agent’s work dir), scheduler ' +
        'crashes and failovers with the framework id, partitions and one-way partitions, and the network ' +
        'latency, through a fault proxy on every agent–master and scheduler–master link. Clock skew is ' +
        'replayed by agora sim only: it is skipped at its time and listed on stderr, as are the network’s ' +
        'loss, duplication and reordering. It measures its own lag ' +
        '(how late its timers fire against the scaled clock) and warns when the lag passes 10% of the ' +
        'scenario’s smallest timing; --time-scale values that would put that timing under 20 ms of real ' +
        'time are refused.',
    )
    .argument('<scenario>', 'a scenario JSON file (schema: scenarios/README.md)')
    .option('--time-scale <x>', 'scenario seconds per real second', '1')
    .option('--seed <n>', "override the scenario's seed")
    .option('--policy <name>', 'override the allocation policy')
    .option('--until <seconds>', 'override how long to run, in scenario seconds')
    .option('--json', 'print the summary as JSON')
    .option('--out <dir>', 'also write a report there')
    .option('--work-dir <dir>', 'the agents’ sandboxes go under it (default: a new temporary folder)')
    .option('--quiet', 'no progress or timing lines on stderr')
    .option(
      '--principal <name>',
      'run with authentication on: the master requires this principal of every agent and framework',
    )
    .option('--secret-file <file>', 'the principal’s secret: the file’s content, less one final newline')
    .option(
      '--processes',
      'run the master and each agent as its own OS process (agora master, agora agent), so a crash is a SIGKILL',
    )
    .option(
      '--strict',
      'exit 1 (after printing the summary) when the measured lag passed 10% of the scenario’s smallest timing',
    )
    .option(
      '--serve',
      'print the URL of the master’s web UI (every live master serves it at /), for as long as the run lasts',
    )
    .action(async (path: string, flags: LiveFlags) => {
      const scenario = readScenarioFile(path);
      // Trace tasks and cluster events are replayed by the simulator only (agora sim).
      if (scenario.tasks !== undefined || scenario.cluster.length > 0) {
        throw new UsageError(
          `${path}: trace tasks and cluster events are replayed in agora sim only, not live`,
        );
      }
      const credential = readPrincipalFlags(flags.principal, flags.secretFile);
      const timeScale = Number(flags.timeScale);
      if (!(timeScale > 0 && timeScale <= 1_000_000)) {
        throw new UsageError(
          `--time-scale: expected a number above 0 and at most 1000000, got "${flags.timeScale}"`,
        );
      }
      if (flags.out !== undefined) checkReportDir(flags.out);
      const untilMs = flags.until === undefined ? scenario.untilMs : parseUntilMs(flags.until);
      const plan = clusterPlan(scenario, { untilMs });
      const maxScale = maxTimeScale(plan);
      if (timeScale > maxScale) {
        const smallest = smallestTimingMs(plan);
        throw new UsageError(
          `--time-scale: ${flags.timeScale} would run ${smallest.what} of ${path} (${smallest.ms / 1000} s) in ` +
            `${(smallest.ms / timeScale).toFixed(2)} ms of real time; timers and HTTP round trips on this machine ` +
            `cannot keep timings under ${MIN_REAL_TIMING_MS} ms within 10%. The largest time scale for this ` +
            `scenario is ${formatScale(maxScale)}.`,
        );
      }
      const quiet = flags.quiet === true;
      for (const w of credential.warnings) output.err(`agora live: warning: ${w}\n`);
      if (!quiet) {
        output.err(
          `live ${scenario.name}: ${plural(scenario.agents.length, 'agent')}, ${plural(scenario.frameworks.length, 'framework')}, ` +
            `${untilMs / 1000} s at ×${timeScale} ≈ ${(untilMs / 1000 / timeScale).toFixed(1)} s of real time\n`,
        );
      }
      if (!quiet) {
        output.err(`${describeReplay(scenario.name, plan.faults, flags.processes === true)}\n`);
      }
      // Not silent, even with --quiet: settings the run cannot honour change what it means.
      const net = scenario.network;
      if (net.loss > 0 || net.duplication > 0 || net.reorder) {
        output.err(
          `agora live: warning: the network's loss, duplication and reordering are replayed by agora sim only (TCP turns loss into delay and neither duplicates nor reorders)\n`,
        );
      }
      const progress = new Progress(output, `live ${scenario.name}`, quiet);
      const result = await runLiveScenario(scenario, {
        timeScale,
        workDir: flags.workDir ?? mkdtempSync(join(tmpdir(), 'agora-live-')),
        ...(flags.seed === undefined ? {} : { seed: parseSeed(flags.seed) }),
        ...(flags.policy === undefined ? {} : { policy: parsePolicy(flags.policy) }),
        untilMs,
        series: flags.out !== undefined,
        ...(credential.value === undefined ? {} : { credential: credential.value }),
        ...(flags.processes === true ? { processes: true } : {}),
        ...(flags.serve === true
          ? { onMasterUrl: (url: string) => output.err(`agora live: the master's web UI: ${url}\n`) }
          : {}),
        onProgress: (done, total) => progress.update(done, total),
        log: (line) => {
          if (!quiet) output.err(`live: ${line}\n`);
        },
      });
      progress.done();
      // Not silent, even with --quiet: a fault that did not happen changes what the run means.
      for (const f of result.skipped) {
        output.err(
          `agora live: warning: ${f.fault} of ${f.target} at ${(f.atMs / 1000).toFixed(1)} s skipped: ${f.why}\n`,
        );
      }
      const lag = result.lag;
      if (!quiet || lag.exceeded) output.err(`${formatLag(lag)}\n`);
      if (lag.exceeded) {
        output.err(
          `agora live: warning: the lag passed 10% of ${lag.smallestTiming}: timings of this run are not the ` +
            `scenario's; try a smaller --time-scale${flags.strict === true ? ' (--strict: exit 1)' : ''}\n`,
        );
      }
      output.out(
        flags.json === true
          ? `${JSON.stringify(result.summary, null, 2)}\n`
          : formatRunSummary(result.summary),
      );
      if (flags.out !== undefined && result.series !== undefined) {
        const index = await writeRunReport(flags.out, result.summary, result.series);
        if (!quiet) output.err(`report: ${index}\n`);
      }
      if (lag.exceeded && flags.strict === true) throw new CommandExit(1);
    });
}

/** One line: how the cluster runs and which faults are replayed, and how. */
function describeReplay(name: string, faults: readonly FaultSpec[], processes: boolean): string {
  const counts = new Map<string, number>();
  for (const f of faults) counts.set(f.kind, (counts.get(f.kind) ?? 0) + 1);
  const kinds = [...counts].map(([kind, n]) => `${n} ${kind}`).join(', ');
  return (
    `live ${name}: master and agents ${processes ? 'as separate processes (crash = SIGKILL)' : 'in this process (crash = connections cut, no last words)'}; ` +
    `every agent–master and scheduler–master link through a fault proxy (partitions hold it, latency ÷ time scale); ` +
    `faults: ${kinds === '' ? 'none' : kinds}${counts.has('clock-skew') ? ' (clock skew: agora sim only, skipped)' : ''}`
  );
}

/** One line: how late the run was, in scenario ms, against its smallest timing. */
function formatLag(lag: LagReport): string {
  const ms = (n: number) => `${n.toFixed(n < 10 ? 2 : 0)} ms`;
  return (
    `lag (scenario time): actions p50 ${ms(lag.actions.p50Ms)}, p99 ${ms(lag.actions.p99Ms)}, ` +
    `max ${ms(lag.actions.maxMs)} (${lag.actions.count}); probe p50 ${ms(lag.probe.p50Ms)}, ` +
    `p99 ${ms(lag.probe.p99Ms)}, max ${ms(lag.probe.maxMs)} (${lag.probe.count}); ` +
    `p99 = ${(lag.fraction * 100).toFixed(1)}% of ${lag.smallestTiming} (${lag.smallestTimingMs / 1000} s)`
  );
}

/** A time scale for a message: whole when it is, else two decimals. */
function formatScale(scale: number): string {
  return Number.isInteger(scale) ? String(scale) : scale.toFixed(2);
}

/** 1 → "1 agent", 3 → "3 agents". */
function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
