/**
 * A live agent: the real {@link Agent} in a {@link LiveNode}, running command tasks as child
 * processes ({@link ChildCommandRunner}) and talking to its master over HTTP
 * (`/agora/v1/message` both ways, see node-messages.ts). It takes messages only from the master
 * it registered with, proven by the token it drew at start (agent-token.ts), and sends from its
 * `--host`, which the master checks. It listens on one port, where the
 * master reaches it; its address is `agent@<host>:<port>`. Registration, re-registration after
 * the master restarts, health checks and status-update retries are the agent's own logic, the
 * same as in the simulator. `/state`, `/flags`, `/monitor/statistics`, `/metrics/snapshot` and
 * `/metrics` answer in Mesos's shapes (agent-endpoints.ts), `/health` answers 200, and
 * `/files/browse`, `/files/read` and `/files/download` serve the sandboxes' files, as Mesos's
 * agent does (sandbox-files.ts; the web UI links a task's stdout and stderr there). With
 * `httpCredentials` they all but `/health` ask for HTTP Basic credentials.
 * `/api/v1` is the Mesos v1 operator API (agent-operator-api.ts).
 *
 * Crashes (Mesos `--recover=reconnect`): the agent checkpoints to `<work dir>/meta`; restarted
 * on the same work dir, host and port, it takes back the tasks of checkpointing frameworks and
 * reregisters under its AgentID, after killing whatever of its predecessor's it cannot take back
 * (agent-recovery.ts); a watchdog process stops the tasks nobody will recover when the agent
 * dies (agent-watchdog.ts).
 */
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { resolve } from 'node:path';
import { Agent } from '../../agent/agent.js';
import { type AgentOptions, resolveAgentOptions } from '../../agent/options.js';
import { AGORA_VERSION } from '../../cli/version.js';
import type { Resources } from '../../core/resources.js';
import {
  type AgentEndpointContext,
  AgentEventCounts,
  agentMetrics,
  agentStateJson,
  monitorStatistics,
} from './agent-endpoints.js';
import { agentFlags } from './agent-flags.js';
import { AgentOperatorApi } from './agent-operator-api.js';
import { metaDir, type PreparedRecovery, prepareAgentRecovery } from './agent-recovery.js';
import { AGENT_TOKEN_HEADER, masterOnlyGuard, newAgentToken } from './agent-token.js';
import { AgentWatchdog } from './agent-watchdog.js';
import { ChildCommandRunner } from './child-command-runner.js';
import { ChildExecutorLauncher } from './child-executor-launcher.js';
import type { Credential } from './credentials.js';
import { CredentialStore } from './credentials.js';
import { ExecutorEndpoint } from './executor-endpoint.js';
import { ExecutorTokens } from './executor-tokens.js';
import { authenticate, basicAuthorization, type EndpointAuthentication } from './http-basic.js';
import { listenWithLimits, sendText } from './http-util.js';
import { LiveNode, type LiveNodeOptions } from './live-node.js';
import { sendJsonp } from './master-endpoints.js';
import { mesosDuration } from './master-flags.js';
import type { MessageGuard } from './message-guard.js';
import { agentAddress, handleNodeMessage, MESSAGE_PATH, NodeMessenger } from './node-messages.js';
import { PROMETHEUS_CONTENT_TYPE, prometheusText } from './prometheus.js';
import { isFilesPath, serveSandboxFile } from './sandbox-files.js';
import { sendingAddress } from './source-address.js';
import { systemMetrics } from './system-metrics.js';
import { type ClientTls, isHttps, type ServerTls } from './tls.js';

/** The master's address inside an agent's node. */
const MASTER = 'master';

/** How to start a live agent. */
export interface AgentServerOptions {
  /** The master, e.g. `http://127.0.0.1:5050`. */
  readonly masterUrl: string;
  readonly resources: Resources;
  /** Sandboxes go under it; created if missing. */
  readonly workDir: string;
  readonly host?: string;
  /** 0 picks a free port; default 5051. */
  readonly port?: number;
  /**
   * The port the master reaches this agent at, when it is not the one it listens on (Mesos
   * `--advertise_port`): a port forwarded to it, such as `agora live`'s fault proxy
   * (fault-proxy.ts). It is part of the agent's address, so a restart must advertise the same.
   */
  readonly advertisePort?: number;
  readonly seed?: number;
  readonly agent?: Omit<
    AgentOptions,
    'resources' | 'masterAddress' | 'workDir' | 'commandRunner' | 'hostname' | 'port'
  >;
  readonly log?: (line: string) => void;
  /** Where the agent's trace events go (the live root logs some: event-lines.ts). */
  readonly trace?: LiveNodeOptions['trace'];
  /** Told why each message to the master failed (unreachable, refused), to say why it retries. */
  readonly masterFailed?: (why: string) => void;
  /** Presented to the master on every message (Mesos's agent `--credential`). */
  readonly credential?: Credential;
  /** Serve HTTPS; required exactly when the master's URL is `https:`. */
  readonly tls?: ServerTls;
  /** The CAs trusted for the master's certificate, instead of the system's. */
  readonly clientTls?: ClientTls;
  /**
   * Set when the master is found in ZooKeeper (zk/agent-leader.ts): the leader's URL now
   * (undefined while none is known; `masterUrl` is then the zk:// URL), and the epoch fence.
   */
  readonly leader?: {
    readonly url: () => string | undefined;
    readonly guard: (inner: MessageGuard) => MessageGuard;
  };
  /**
   * Scenario seconds per real second, for `agora live`: the agent's own timings (registration
   * backoff, master ping timeout, status update retries, executor registration timeout and
   * grace periods; Mesos's defaults, src/agent/options.ts) are divided by it, as every other
   * timing of a replay is. Default 1; `agent` options given explicitly win.
   */
  readonly timeScale?: number;
  /** Connections one client address may hold at once (default 256; executors count as their host). */
  readonly maxConnectionsPerClient?: number;
  /**
   * Mesos `--strict` (default true): a checkpoint in the work dir that cannot be recovered stops
   * the agent ({@link RecoveryError}); false sets it aside and starts a new agent.
   */
  readonly strict?: boolean;
  /**
   * Mesos `--recovery_timeout` (default 15 min): how long the tasks of checkpointing frameworks
   * outlive a dead agent, waiting for a restarted one to reattach (agent-watchdog.ts).
   */
  readonly recoveryTimeoutMs?: number;
  /**
   * Mesos `--authenticate_http_readonly` with `--http_credentials`: the read-only endpoints
   * (`/state`, `/flags`, `/files/*`, `/monitor/statistics`, `/metrics*`) ask for HTTP Basic
   * credentials, checked against these; `/health` never does. Off by default, as in Mesos.
   */
  readonly httpCredentials?: readonly Credential[];
}

/** The realm of the agent's read-only endpoints' Basic authentication (Mesos's default). */
export const AGENT_READONLY_REALM = 'mesos-agent-readonly';

/** What an agent's node is made of besides the agent. */
interface AgentParts {
  readonly runner: ChildCommandRunner;
  readonly launcher: ChildExecutorLauncher;
  readonly messenger: NodeMessenger;
  readonly executors: ExecutorEndpoint;
  readonly watchdog: AgentWatchdog;
}

/** A running live agent; stop it with {@link close}. */
export class AgentServer {
  readonly node: LiveNode;
  readonly agent: Agent;
  readonly address: string;
  readonly port: number;
  readonly #server: Server;
  readonly #parts: AgentParts;

  private constructor(
    server: Server,
    port: number,
    address: string,
    node: LiveNode,
    agent: Agent,
    parts: AgentParts,
  ) {
    this.#server = server;
    this.port = port;
    this.address = address;
    this.node = node;
    this.agent = agent;
    this.#parts = parts;
  }

  /** Starts an agent and its registration with the master. */
  static async start(options: AgentServerOptions): Promise<AgentServer> {
    const host = options.host ?? '127.0.0.1';
    const masterUrl = options.masterUrl.replace(/\/+$/u, '');
    if (isHttps(masterUrl) !== (options.tls !== undefined)) {
      // A TLS master reaches its agents over HTTPS, and a TLS agent expects a TLS master.
      throw new Error(
        options.tls === undefined
          ? `the master ${masterUrl} uses TLS, so the agent must serve TLS too (--tls-key, --tls-cert)`
          : `the agent serves TLS, so its master must too (an https:// --master), not ${masterUrl}`,
      );
    }
    // Absolute: task processes are marked with it, and their sandboxes are under it.
    const workDir = resolve(options.workDir);
    mkdirSync(workDir, { recursive: true });
    const { server, port } = await listenWithLimits(host, options.port ?? 5051, {
      ...(options.tls === undefined ? {} : { tls: options.tls }),
      ...(options.maxConnectionsPerClient === undefined
        ? {}
        : { maxConnectionsPerClient: options.maxConnectionsPerClient }),
    });
    const advertisedPort = options.advertisePort ?? port;
    const address = agentAddress(host, advertisedPort);
    let recovery: PreparedRecovery;
    try {
      recovery = prepareAgentRecovery(workDir, address, options.strict ?? true);
    } catch (e) {
      server.close();
      throw e;
    }
    if (recovery.discarded !== undefined) options.log?.(`set the checkpoint aside: ${recovery.discarded}`);
    if (recovery.killed > 0) {
      options.log?.(
        `killed ${recovery.killed} process group(s) of an earlier agent that will not be recovered`,
      );
    }
    const counts = new AgentEventCounts();
    const node = new LiveNode({
      seed: options.seed ?? Date.now(),
      ...(options.log === undefined ? {} : { log: options.log }),
      // Terminal tasks and executors are counted from the agent's trace (agent-endpoints.ts),
      // which also goes wherever the caller sends it (its log).
      trace: (event) => {
        counts.traced(event);
        options.trace?.(event);
      },
      // The checkpoint (Mesos's meta dir): the agent's id and its checkpointing frameworks' tasks.
      storeDirs: new Map([[address, metaDir(workDir)]]),
    });
    // Proves the master's messages to this agent, and this agent to the master (agent-token.ts).
    const token = newAgentToken();
    const localAddress = sendingAddress(host);
    const leader = options.leader;
    const messenger = new NodeMessenger(
      node,
      (to) => (to !== MASTER ? undefined : leader === undefined ? masterUrl : leader.url()),
      {
        headers: () => ({ [AGENT_TOKEN_HEADER]: token }),
        ...(localAddress === undefined ? {} : { localAddress }),
        ...(options.credential === undefined
          ? {}
          : { authorization: basicAuthorization(options.credential) }),
        ...(options.clientTls === undefined ? {} : { tls: options.clientTls }),
        ...(options.log === undefined ? {} : { log: options.log }),
        ...(options.masterFailed === undefined ? {} : { failed: (_to, why) => options.masterFailed?.(why) }),
      },
    );
    const tokens = new ExecutorTokens();
    const executors = new ExecutorEndpoint(node, () => address, {
      tokens,
      // Asked only when an executor calls, by when the launcher below exists.
      running: (claims) => launcher.isRunning(claims),
    });
    node.useTransport({
      handles: (to) => executors.handles(to) || messenger.handles(to),
      send: (from, to, msg) => {
        if (executors.handles(to)) {
          if (msg.channel === 'executor-event') executors.send(to, msg.event);
        } else messenger.send(from, to, msg);
      },
    });
    const runner = new ChildCommandRunner({ workDir });
    runner.adopt(recovery.recoverable);
    const caFile = options.clientTls?.caFile;
    const launcher = new ChildExecutorLauncher(
      options.tls === undefined
        ? {}
        : {
            LIBPROCESS_SSL_ENABLED: 'true',
            ...(caFile === undefined ? {} : { LIBPROCESS_SSL_CA_FILE: caFile }),
          },
      {
        tokens,
        workDir,
        ...(advertisedPort === port
          ? {}
          : { agentEndpoint: `${host.includes(':') ? `[${host}]` : host}:${port}` }),
      },
    );
    const agent = new Agent({
      ...scaledTimings(options.resources, runner, options.timeScale ?? 1),
      ...options.agent,
      resources: options.resources,
      masterAddress: MASTER,
      workDir,
      commandRunner: runner,
      executorLauncher: launcher,
      hostname: host,
      port: advertisedPort,
    });
    const watchdog = AgentWatchdog.start(workDir, {
      gracePeriodMs: agent.options.executorShutdownGracePeriodMs,
      recoveryTimeoutMs: options.recoveryTimeoutMs ?? 15 * 60_000,
    });
    const live = new AgentServer(server, port, address, node, agent, {
      runner,
      launcher,
      messenger,
      executors,
      watchdog,
    });
    const startedAtMs = Date.now();
    const readonly: EndpointAuthentication | undefined =
      options.httpCredentials === undefined
        ? undefined
        : {
            mode: 'required',
            realm: AGENT_READONLY_REALM,
            credentials: new CredentialStore(options.httpCredentials),
          };
    const endpoints: AgentEndpointContext = {
      agent,
      pid: `slave(1)@${address.slice(address.indexOf('@') + 1)}`,
      host,
      port: advertisedPort,
      workDir,
      masterUrl,
      startedAtMs,
      counts,
      // Mesos's /flags: the flags GET_FLAGS lists (agent-flags.ts) and the ones only this
      // server knows, as name → value.
      flags: {
        ...Object.fromEntries(
          agentFlags({ options: agent.options, masterUrl, host, port: advertisedPort }).map((flag) => [
            flag.name,
            flag.value,
          ]),
        ),
        strict: String(options.strict ?? true),
        recovery_timeout: mesosDuration(options.recoveryTimeoutMs ?? 15 * 60_000),
        authenticate_http_readonly: String(readonly !== undefined),
      },
    };
    const operator = new AgentOperatorApi(agent, {
      workDir,
      version: AGORA_VERSION,
      startedAtMs,
      flags: () => agentFlags({ options: agent.options, masterUrl, host, port: advertisedPort }),
    });
    server.on('request', (req, res) => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      // libprocess answers the agent process's endpoints under `/slave(1)` and at the top level.
      const local = path.replace(/^\/slave\(1\)(?=\/)/u, '');
      let served: Promise<void> = Promise.resolve();
      // The executor and operator APIs and the master's channel authenticate on their own.
      const guarded = ![MESSAGE_PATH, '/api/v1/executor', '/api/v1', '/health'].includes(local);
      if (guarded && readonly !== undefined && !authenticate(req, res, readonly).ok) return;
      if (path === MESSAGE_PATH) {
        served = handleNodeMessage(node, (from) => (from === MASTER ? address : undefined), req, res, {
          guard: leader?.guard(masterOnlyGuard(MASTER, token)) ?? masterOnlyGuard(MASTER, token),
        });
      } else if (path === '/api/v1/executor') {
        served = executors.handle(req, res);
      } else if (path === '/api/v1') {
        served = operator.handle(req, res);
      } else if (local === '/state' || local === '/state.json') {
        // Mesos's shape, with Agora's `phase` (whether it is registered with its master).
        sendJsonp(res, requestUrl(req), agentStateJson(endpoints));
      } else if (local === '/flags') {
        sendJsonp(res, requestUrl(req), { flags: endpoints.flags });
      } else if (local === '/monitor/statistics' || local === '/monitor/statistics.json') {
        sendJsonp(res, requestUrl(req), monitorStatistics(endpoints, Date.now()));
      } else if (path === '/metrics/snapshot') {
        sendJsonp(res, requestUrl(req), { ...agentMetrics(endpoints, Date.now()), ...systemMetrics() });
      } else if (path === '/metrics') {
        const text = prometheusText({ ...agentMetrics(endpoints, Date.now()), ...systemMetrics() });
        sendText(res, 200, text, { 'Content-Type': PROMETHEUS_CONTENT_TYPE });
      } else if (local === '/health') {
        sendText(res, 200, '');
      } else if (isFilesPath(path)) {
        serveSandboxFile(req, res, workDir, agent.agentId);
      } else {
        sendText(res, 404, `No such endpoint: ${path}`);
      }
      served.catch((e: unknown) => {
        options.log?.(
          `request ${req.method} ${req.url} failed: ${e instanceof Error ? e.message : String(e)}`,
        );
        sendText(res, 500, 'Internal error');
      });
    });
    node.spawn(address, agent);
    return live;
  }

  /**
   * Crashes the agent as a SIGKILL of its process would, within this process: no last words (no
   * UNREGISTER, no SHUTDOWN to executors), connections cut, its tasks left to its watchdog
   * (agent-watchdog.ts: the tasks of checkpointing frameworks wait for a restarted agent on the
   * same work dir, the others are stopped), its checkpoint left on disk.
   */
  async crash(): Promise<void> {
    this.node.crashAll();
    this.#parts.executors.closeAll();
    this.#parts.watchdog.agentGone();
    this.#parts.runner.stop();
    this.#parts.messenger.close();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /**
   * Stops the agent. `killTasks` (default true) kills its running commands, as an agent shut
   * down for good does; false simulates a crash: the tasks are left to the agent's watchdog
   * (agent-watchdog.ts) and to the next agent on the work dir, as after a SIGKILL.
   */
  async close(killTasks = true): Promise<void> {
    // The agent's last words (SHUTDOWN to its executors) go out before the streams close.
    this.node.stopAll();
    this.#parts.executors.closeAll();
    if (killTasks) {
      this.#parts.runner.killAll();
      this.#parts.launcher.killAll();
      this.#parts.watchdog.retire();
    } else {
      this.#parts.watchdog.agentGone();
    }
    this.#parts.runner.stop();
    this.#parts.messenger.close();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

/** A request's URL, for its query. */
function requestUrl(req: { readonly url?: string | undefined }): URL {
  return new URL(req.url ?? '/', 'http://agent');
}

/** The agent's default timings divided by `timeScale` (none when it is 1). */
function scaledTimings(
  resources: Resources,
  commandRunner: AgentOptions['commandRunner'],
  timeScale: number,
): Partial<AgentOptions> {
  if (timeScale === 1) return {};
  const d = resolveAgentOptions({ resources, commandRunner });
  return {
    registrationBackoffFactorMs: d.registrationBackoffFactorMs / timeScale,
    registrationBackoffMaxMs: d.registrationBackoffMaxMs / timeScale,
    masterPingTimeoutMs: d.masterPingTimeoutMs / timeScale,
    statusUpdateRetryMinMs: d.statusUpdateRetryMinMs / timeScale,
    statusUpdateRetryMaxMs: d.statusUpdateRetryMaxMs / timeScale,
    executorRegistrationTimeoutMs: d.executorRegistrationTimeoutMs / timeScale,
    executorShutdownGracePeriodMs: d.executorShutdownGracePeriodMs / timeScale,
    commandKillGracePeriodMs: d.commandKillGracePeriodMs / timeScale,
  };
}
