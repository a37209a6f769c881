/**
 * A live master: the real {@link Master} in a {@link LiveNode}, served on one HTTP port:
 *
 * | path                 | what                                                            |
 * |----------------------|-----------------------------------------------------------------|
 * | `/api/v1/scheduler`  | the Mesos v1 scheduler API (see scheduler-endpoint.ts)          |
 * | `/api/v1`            | the Mesos v1 operator API (see master-operator-api.ts)          |
 * | `/agora/v1/message`  | agent registration and messaging (see node-messages.ts)         |
 * | `/master/state`, `/state` (+ `.json`), `/master/state-summary`, `/master/frameworks`, `/master/slaves`, `/master/tasks`, `/master/roles`, `/master/flags`, `/master/health`, `/master/quota`, `/master/weights`, `/version`, `/master/redirect` | Mesos's classic endpoints in its shapes (master-endpoints.ts) |
 * | `/metrics/snapshot`  | gauges and counters under Mesos's metric names (master-metrics.ts) |
 * | `/metrics`           | the same in Prometheus's text format (prometheus.ts)            |
 * | `/quota`             | quota limits by role (Mesos `QuotaStatus.configs`, read-only)   |
 * | `/weights`           | role weights (Mesos `[{role, weight}]`, read-only)              |
 * | `/health`            | 200 while the master serves                                     |
 * | `/`, `/events`       | the web UI, and its frames pushed as server-sent events (ui-endpoint.ts) |
 *
 * Limits (each an option, see {@link MasterLimits}): request bodies up to 16 MiB (413 beyond) and
 * 64 MiB of them held at once across requests (503 beyond, body-reader.ts), a request must
 * arrive whole within 30 s (408, so a body that never ends cannot hold a socket), headers within
 * 10 s, at most 1,000 connections and 256 per client address (more are closed at once), and at
 * most 64 MiB of unread events per subscriber (its stream is closed beyond). A handler that fails
 * answers 500 and the master goes on. What was refused is counted in `/metrics/snapshot`.
 *
 * Security ({@link MasterSecurity}, see master-security.ts): HTTP Basic authentication of
 * schedulers and agents, `register_frameworks` and `register_agents` ACLs, and HTTPS with `tls`.
 * Each agent address is bound to the token, principal and host it registered with, and agents
 * speak only for themselves (agent-sessions.ts). The read-only
 * endpoints (`/master/*`, `/metrics/*`, `/quota`, the web UI) ask for credentials only with
 * `authenticateHttpReadonly` (Mesos's `--authenticate_http_readonly`).
 */

import { mkdirSync, readFileSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { type AllocatorSettings, createAllocator } from '../../allocator/create.js';
import { AGORA_VERSION } from '../../cli/version.js';
import { ipv4Octets } from '../../core/messages/network.js';
import type { DurableStore } from '../../core/process.js';
import { Master } from '../../master/master.js';
import type { MasterOptions } from '../../master/options.js';
import { parseRegistry, REGISTRY_KEY } from '../../master/registry.js';
import type { MasterInfoSnapshot } from '../../master/state.js';
import { AgentSessions } from './agent-sessions.js';
import { AllocationRunTiming, timedAllocations } from './allocation-timing.js';
import { BodyBudget, PROCESS_BODY_BUDGET } from './body-reader.js';
import { type FileStoreHost, storeFile } from './file-store.js';
import { authenticate, type EndpointAuthentication } from './http-basic.js';
import { listenWithLimits, sendJson, sendText } from './http-util.js';
import { LiveNode, type LiveNodeOptions } from './live-node.js';
import {
  type MasterEndpointContext,
  quotaStatus,
  serveMasterEndpoint,
  withMesosResources,
} from './master-endpoints.js';
import { masterFlags } from './master-flags.js';
import { countedMessages, MasterEventCounts } from './master-message-counts.js';
import { LiveCounters, masterMetrics } from './master-metrics.js';
import { MasterOperatorApi } from './master-operator-api.js';
import { type MasterSecurity, masterAuthentication } from './master-security.js';
import {
  agentUrl,
  handleNodeMessage,
  MESSAGE_PATH,
  type MessageEndpointOptions,
  NodeMessenger,
} from './node-messages.js';
import { PROMETHEUS_CONTENT_TYPE, prometheusText } from './prometheus.js';
import { SchedulerEndpoint } from './scheduler-endpoint.js';
import { systemMetrics } from './system-metrics.js';
import type { ClientTls, ServerTls } from './tls.js';
import {
  isUiAsset,
  observed,
  sendUiConfig,
  serveUiAsset,
  UiEventStream,
  type UiFrame,
  weightInfos,
} from './ui-endpoint.js';

/**
 * Whether `path` is a read-only endpoint that `--authenticate-http-readonly` guards: everything
 * but the scheduler, operator and agent channels (they authenticate on their own), the health checks,
 * `/version` and `/master/redirect` (Mesos asks no credentials for those).
 */
function isReadonlyPath(path: string): boolean {
  return ![
    '/api/v1/scheduler',
    // The operator API authenticates on its own (--authenticate-http-readwrite).
    '/api/v1',
    MESSAGE_PATH,
    '/health',
    '/master/health',
    '/version',
    '/master/redirect',
    '/redirect',
  ].includes(path);
}

/** Who leads the masters, as {@link MasterServer.setLeadership} is told. */
export type Leadership =
  | { readonly leader: 'self'; readonly electedAtMs?: number }
  | { readonly leader: MasterInfoSnapshot | undefined; readonly electedAtMs?: undefined };

/** The master's address inside its node. */
export const LIVE_MASTER_ADDRESS = 'master';

/** The registry in `workDir` cannot be read (the master refuses to start). */
export class RegistryError extends Error {
  override readonly name = 'RegistryError';
}

/** Why the registry file in `workDir` cannot be recovered, if it cannot. */
function registryProblem(workDir: string): string | undefined {
  const path = storeFile(workDir, REGISTRY_KEY);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return `${path}: ${(e as Error).message}`;
  }
  const parsed = parseRegistry(text);
  return typeof parsed === 'string' ? `${path}: ${parsed}` : undefined;
}

/** How to start a live master. */
export interface MasterServerOptions {
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  /** Created if missing (the registry will live there). */
  readonly workDir?: string;
  readonly master?: LiveMasterFlags;
  readonly seed?: number;
  /** How long a request may take to arrive whole (default 30 s); then 408 and the socket closes. */
  readonly requestTimeoutMs?: number;
  readonly limits?: MasterLimits;
  readonly security?: MasterSecurity;
  /** Serve HTTPS, and talk HTTPS to agents (TLS is all or nothing, as in Mesos). */
  readonly tls?: ServerTls;
  /** The CAs trusted for the agents' certificates, instead of the system's. */
  readonly clientTls?: ClientTls;
  /** Where failures and dropped messages are reported. */
  readonly log?: (line: string) => void;
  /** Where the master's trace events go (the live root logs some: event-lines.ts). */
  readonly trace?: LiveNodeOptions['trace'];
  /** Set when the master leads through ZooKeeper (zk/ha-master.ts). */
  readonly ha?: MasterHaHooks;
  /** The operator API's SUBSCRIBE heartbeat interval (default 15 s, as Mesos). */
  readonly operatorHeartbeatMs?: number;
}

/** How a master elected through ZooKeeper is fenced and found (zk/ha-master.ts). */
export interface MasterHaHooks {
  /** Whether it may still act as leader; checked before each message it sends (else dropped). */
  readonly leading: () => boolean;
  /** Headers on every message to agents (its epoch, which agents check). */
  readonly agentHeaders: () => Readonly<Record<string, string>>;
  /** Its registry store (in ZooKeeper), instead of the work dir's file. */
  readonly registryStore: (host: FileStoreHost) => DurableStore;
  /** Answers the request itself (a redirect, a 503 once deposed) and says so, before any route. */
  readonly serve: (req: IncomingMessage, res: ServerResponse, path: string) => boolean;
  /** Fields added to `/master/state` (`leader`, `leader_info`). */
  readonly stateFields: () => Readonly<Record<string, unknown>>;
}

/**
 * The master's flags as the live root takes them: the master's own and its allocator's (Mesos's
 * master flags carry both: `--allocator`, the sorters, `--min_allocatable_resources`,
 * `--filter_gpu_resources`). The root builds the allocator from the latter and hands it to the
 * master, with the same `allocationIntervalMs`.
 */
export type LiveMasterFlags = Omit<MasterOptions, 'address'> &
  Pick<AllocatorSettings, 'policy' | 'minAllocatable' | 'filterGpuResources'>;

/** What one client may cost the master; each has the default given. */
export interface MasterLimits {
  /** Connections open at once (1,000); more are closed as they arrive. */
  readonly maxConnections?: number;
  /** Connections one client address may hold at once (256); more are closed as they arrive. */
  readonly maxConnectionsPerClient?: number;
  /** The largest request body (16 MiB); larger ones get 413. */
  readonly maxRequestBytes?: number;
  /**
   * Request body bytes held at once across all requests (default: the process's budget, 64 MiB,
   * body-reader.ts); a body that would go past it gets 503.
   */
  readonly maxRequestMemoryBytes?: number;
  /** Unread event bytes a subscriber may leave queued (64 MiB); then its stream is closed. */
  readonly maxEventQueueBytes?: number;
}

/** A running live master; stop it with {@link close}. */
export class MasterServer {
  readonly node: LiveNode;
  readonly master: Master;
  readonly url: string;
  readonly port: number;
  readonly #server: Server;
  readonly #endpoint: SchedulerEndpoint;
  readonly #operator: MasterOperatorApi;
  readonly #messenger: NodeMessenger;
  readonly #counters: LiveCounters;
  readonly #agentChannel: MessageEndpointOptions;
  readonly #startedAt = Date.now();
  readonly #ui = new UiEventStream(() => this.uiFrame());
  /** How long the master's allocation runs take (allocation-timing.ts). */
  readonly #allocationTiming = new AllocationRunTiming();
  /** Messages received, registrations and removals (master-message-counts.ts). */
  readonly #events: MasterEventCounts;
  /** Who leads, and since when this master does (see {@link setLeadership}). */
  #leadership: Leadership = { leader: 'self' };
  /** What the classic endpoints read (master-endpoints.ts). */
  readonly #endpoints: MasterEndpointContext;
  /** How the read-only endpoints authenticate (master-security.ts). */
  readonly #readonly: EndpointAuthentication;
  readonly #ha: MasterHaHooks | undefined;

  private constructor(
    server: Server,
    url: string,
    port: number,
    node: LiveNode,
    master: Master,
    ha: MasterHaHooks | undefined,
    parts: {
      endpoint: SchedulerEndpoint;
      operator: MasterOperatorApi;
      messenger: NodeMessenger;
      counters: LiveCounters;
      agentChannel: MessageEndpointOptions;
      events: MasterEventCounts;
      flags: Readonly<Record<string, string>>;
      readonly: EndpointAuthentication;
    },
  ) {
    this.#readonly = parts.readonly;
    this.#server = server;
    this.port = port;
    this.url = url;
    this.node = node;
    this.master = master;
    this.#ha = ha;
    this.#endpoint = parts.endpoint;
    this.#operator = parts.operator;
    this.#messenger = parts.messenger;
    this.#counters = parts.counters;
    this.#agentChannel = parts.agentChannel;
    this.#events = parts.events;
    this.#endpoints = {
      state: () => withMesosResources(master.state()),
      flags: parts.flags,
      leader: () => {
        // Elected through ZooKeeper, the leader is whom the detector names (zk/ha-master.ts).
        if (ha !== undefined) return ha.stateFields().leader_info as MasterInfoSnapshot | undefined;
        const leader = this.#leadership.leader;
        return leader === 'self' ? master.state().info : leader;
      },
      // A lone master leads from its start (Mesos elects a master without ZooKeeper at once).
      electedAtMs: () =>
        this.#leadership.leader === 'self'
          ? (this.#leadership.electedAtMs ?? master.state().start_time * 1000)
          : undefined,
      quotas: () => master.quotas(),
      weights: () => master.weights(),
      agoraVersion: AGORA_VERSION,
    };
  }

  /**
   * Tells the endpoints who leads (Mesos's `leader`, `leader_info`, `elected_time`,
   * `master/elected`, and where `/master/redirect` points): `'self'` with when it was elected,
   * another master's info, or undefined while no leader is known. A lone master leads from
   * its start; the ZooKeeper election calls this as leadership changes.
   */
  setLeadership(leadership: Leadership): void {
    this.#leadership = leadership;
  }

  /** Starts a master listening on `host:port`. */
  static async start(options: MasterServerOptions = {}): Promise<MasterServer> {
    const host = options.host ?? '127.0.0.1';
    const counters = new LiveCounters();
    const events = new MasterEventCounts();
    // Checked before listening, so a bad configuration leaves no socket open.
    const authentication = masterAuthentication(options.security ?? {}, counters);
    const workDir = options.workDir;
    if (workDir !== undefined) {
      mkdirSync(workDir, { recursive: true });
      const problem = registryProblem(workDir);
      // Mesos's master exits when it cannot recover its registry; refuse to start likewise.
      if (problem !== undefined) throw new RegistryError(problem);
    }
    const log = options.log ?? (() => {});
    const node = new LiveNode({
      seed: options.seed ?? Date.now(),
      log,
      // Registrations and removals are counted from the master's trace (master-message-counts.ts),
      // which also goes wherever the caller sends it (its log).
      trace: (event) => {
        events.traced(event.kind);
        options.trace?.(event);
      },
      // The registry survives restarts in the work dir (write, fsync, rename: file-store.ts);
      // without one it lives in memory, as Mesos's --registry=in_memory.
      ...(workDir === undefined || options.ha !== undefined
        ? {}
        : { storeDirs: new Map([[LIVE_MASTER_ADDRESS, workDir]]) }),
      ...(options.ha === undefined
        ? {}
        : { stores: new Map([[LIVE_MASTER_ADDRESS, options.ha.registryStore]]) }),
    });
    const limits = options.limits ?? {};
    // Listen first, so the master can tell schedulers (MasterInfo) the port it really got.
    const { server, port } = await listenWithLimits(host, options.port ?? 5050, {
      ...(options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs }),
      ...(limits.maxConnections === undefined ? {} : { maxConnections: limits.maxConnections }),
      ...(limits.maxConnectionsPerClient === undefined
        ? {}
        : { maxConnectionsPerClient: limits.maxConnectionsPerClient }),
      ...(options.tls === undefined ? {} : { tls: options.tls }),
      dropped: () => {
        counters.connectionsRefused++;
      },
      droppedPerClient: () => {
        counters.connectionsRefusedPerClient++;
      },
    });
    const scheme = options.tls === undefined ? 'http' : 'https';
    const requestLimits = {
      ...(limits.maxRequestBytes === undefined ? {} : { maxBodyBytes: limits.maxRequestBytes }),
      tooLarge: () => {
        counters.requestsTooLarge++;
      },
      budget:
        limits.maxRequestMemoryBytes === undefined
          ? PROCESS_BODY_BUDGET
          : new BodyBudget(limits.maxRequestMemoryBytes),
      overBudget: () => {
        counters.requestsShed++;
      },
    };
    const { policy, minAllocatable, filterGpuResources, ...masterOptions } = options.master ?? {};
    const allocator = createAllocator({
      ...(policy === undefined ? {} : { policy }),
      ...(minAllocatable === undefined ? {} : { minAllocatable }),
      ...(filterGpuResources === undefined ? {} : { filterGpuResources }),
      ...(masterOptions.allocationIntervalMs === undefined
        ? {}
        : { allocationIntervalMs: masterOptions.allocationIntervalMs }),
    });
    const master = new Master(allocator, {
      ...masterOptions,
      address: LIVE_MASTER_ADDRESS,
      // MasterInfo.ip/address.ip: the IPv4 address it listens on, when it listens on one.
      endpoint: {
        hostname: host,
        port,
        ...(ipv4Octets(host) === undefined || host === '0.0.0.0' ? {} : { ip: host }),
      },
    });
    const endpoint = new SchedulerEndpoint(
      node,
      LIVE_MASTER_ADDRESS,
      (id, from) => master.callAdmission(id, from),
      {
        authentication: authentication.schedulers,
        acls: options.security?.acls,
        limits: requestLimits,
        maxEventQueueBytes: limits.maxEventQueueBytes,
        counters,
        log,
        updateFrameworkProblem: (call) => master.updateFrameworkProblem(call),
      },
    );
    const sessions = new AgentSessions(master, {
      acls: options.security?.acls,
      refused: (refusal) => {
        if (refusal.status === 401) counters.authenticationFailures++;
        else counters.authorizationFailures++;
      },
    });
    const messenger = new NodeMessenger(node, (to) => agentUrl(to, scheme), {
      ...(options.clientTls === undefined ? {} : { tls: options.clientTls }),
      headers: (to) => ({ ...sessions.headersFor(to), ...options.ha?.agentHeaders() }),
      log,
    });
    const startedAtMs = Date.now();
    const flags = () =>
      masterFlags({
        options: master.options,
        host,
        port,
        workDir,
        policy: policy?.name,
        authenticateFrameworks: options.security?.authenticateFrameworks === true,
        authenticateAgents: options.security?.authenticateAgents === true,
        authenticateHttpReadwrite: options.security?.authenticateHttpReadwrite === true,
        acls: options.security?.acls !== undefined,
        tls: options.tls !== undefined,
      });
    const operator: MasterOperatorApi = new MasterOperatorApi(node, LIVE_MASTER_ADDRESS, master, {
      flags,
      metrics: (): Record<string, number> => live.metrics(),
      quotaStatus: () => quotaStatus(master.quotas()),
      version: AGORA_VERSION,
      startedAtMs,
      authentication: authentication.operators,
      acls: options.security?.acls,
      limits: requestLimits,
      ...(options.operatorHeartbeatMs === undefined
        ? {}
        : { heartbeatIntervalMs: options.operatorHeartbeatMs }),
      unauthorized: () => {
        counters.authorizationFailures++;
      },
    });
    node.useTransport({
      handles: (to) => endpoint.handles(to) || operator.handles(to) || messenger.handles(to),
      send: (from, to, msg) => {
        // A deposed leader sends nothing: no offer, no launch (zk/leader-contender.ts).
        if (options.ha !== undefined && !options.ha.leading()) return;
        if (operator.handles(to)) operator.send(to, msg);
        else if (endpoint.handles(to)) {
          if (msg.channel === 'scheduler-event') endpoint.send(to, msg.event);
        } else messenger.send(from, to, msg);
      },
    });
    const url = `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`;
    const live = new MasterServer(server, url, port, node, master, options.ha, {
      endpoint,
      operator,
      messenger,
      counters,
      agentChannel: { authentication: authentication.agents, limits: requestLimits, guard: sessions.guard() },
      readonly: authentication.readonly,
      events,
      // Mesos's /master/flags: the flags GET_FLAGS lists (master-flags.ts), as name → value.
      flags: {
        ...Object.fromEntries(flags().map((flag) => [flag.name, flag.value])),
        authenticate_http_readonly: String(options.security?.authenticateHttpReadonly === true),
      },
    });
    server.on('request', (req, res) => {
      live.#route(req, res).catch((e: unknown) => {
        options.log?.(
          `request ${req.method} ${req.url} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
        );
        sendText(res, 500, 'Internal error');
      });
    });
    // The UI's stream hears of every change the master makes (ui-endpoint.ts); its allocation
    // runs are timed from outside, as the master has no clock that measures work.
    node.spawn(
      LIVE_MASTER_ADDRESS,
      countedMessages(
        observed(timedAllocations(master, live.#allocationTiming), () => {
          live.#ui.changed();
          live.#operator.changed();
        }),
        events,
      ),
    );
    return live;
  }

  async #route(
    req: Parameters<SchedulerEndpoint['handle']>[0],
    res: Parameters<SchedulerEndpoint['handle']>[1],
  ): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (this.#ha?.serve(req, res, path ?? '/')) return;
    if (isReadonlyPath(path ?? '/') && !authenticate(req, res, this.#readonly).ok) return;
    switch (path) {
      case '/api/v1/scheduler':
        return this.#endpoint.handle(req, res);
      case '/api/v1':
        return this.#operator.handle(req, res);
      case MESSAGE_PATH:
        return handleNodeMessage(this.node, () => LIVE_MASTER_ADDRESS, req, res, this.#agentChannel);
      case '/metrics/snapshot':
        return sendJson(res, this.metrics());
      case '/metrics':
        return sendText(res, 200, prometheusText(this.metrics()), {
          'Content-Type': PROMETHEUS_CONTENT_TYPE,
        });
      case '/quota':
        return sendJson(res, quotaStatus(this.master.quotas()));
      case '/weights':
        return sendJson(res, weightInfos(this.master.weights()));
      case '/health':
        return sendText(res, 200, '');
      case '/events':
        return this.#ui.handle(req, res);
      case '/ui/config.json':
        return sendUiConfig(res, { mode: 'live' });
      default:
        if (path !== undefined && serveMasterEndpoint(req, res, path, this.#endpoints)) return;
        if (path !== undefined && isUiAsset(path)) return serveUiAsset(req, res, path);
        return sendText(res, 404, `No such endpoint: ${path}`);
    }
  }

  /** What `/metrics/snapshot` shows. */
  metrics(): Record<string, number> {
    return {
      ...masterMetrics(this.master.state(), (Date.now() - this.#startedAt) / 1000, this.#counters, {
        events: this.#events,
        eventQueueMessages: this.node.queuedMessages,
        elected: this.#leadership.leader === 'self',
      }),
      ...this.#allocationTiming.metrics(),
      ...systemMetrics(),
      'master/http_request_body_bytes_held': this.#agentChannel.limits?.budget?.usedBytes ?? 0,
    };
  }

  /** What the web UI shows now: the read-only endpoints' JSON (ui-endpoint.ts). */
  uiFrame(): UiFrame {
    return {
      at_ms: Date.now(),
      state: this.master.state(),
      metrics: this.metrics(),
      quota: quotaStatus(this.master.quotas()),
      weights: weightInfos(this.master.weights()),
    };
  }

  /** How many connections are open now. */
  openConnections(): Promise<number> {
    return new Promise((resolve, reject) =>
      this.#server.getConnections((e, n) => (e === null ? resolve(n) : reject(e))),
    );
  }

  /** Stops serving: closes subscription streams and connections, stops the master. */
  async close(): Promise<void> {
    this.node.stopAll();
    this.#ui.closeAll();
    this.#endpoint.closeAll();
    this.#operator.closeAll();
    this.#messenger.close();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
