/**
 * The operator calls that change the master (Mesos v1 `master::Call` UPDATE_WEIGHTS,
 * UPDATE_QUOTA, MARK_AGENT_GONE, RESERVE_RESOURCES, UNRESERVE_RESOURCES; include/mesos/v1/master/master.proto) as they travel to the
 * sans-IO master, and the answer it sends back once the change is in its registry. The live
 * operator endpoint decodes and validates the HTTP body (operator-api), so these are already
 * well formed; the master checks what depends on its state (is the agent known?).
 *
 * The read-only calls (GET_STATE, GET_ROLES …) do not travel: the live side reads the master's
 * snapshot directly, as Mesos's master answers them from its own state without a registry write.
 */
import type { AgentID } from './ids.js';
import type { ResourceJson } from './resources-json.js';

/** One role's weight (Mesos `WeightInfo`). */
export interface WeightInfo {
  readonly role: string;
  readonly weight: number;
}

/** One role's quota (Mesos `QuotaConfig`): limits by scalar name; empty resets the role. */
export interface QuotaConfig {
  readonly role: string;
  readonly limits: Readonly<Record<string, number>>;
}

/** An operator call that changes the master. */
export type OperatorChange =
  | { readonly type: 'UPDATE_WEIGHTS'; readonly weightInfos: readonly WeightInfo[] }
  | { readonly type: 'UPDATE_QUOTA'; readonly quotaConfigs: readonly QuotaConfig[] }
  | { readonly type: 'MARK_AGENT_GONE'; readonly agentId: AgentID }
  | {
      readonly type: 'RESERVE_RESOURCES' | 'UNRESERVE_RESOURCES';
      readonly agentId: AgentID;
      readonly resources: readonly ResourceJson[];
    };

/**
 * The master's answer, as the HTTP status Mesos answers with: 200 once the change is durable
 * (202 for RESERVE_RESOURCES and UNRESERVE_RESOURCES, as Mesos's `Accepted`), 400 for a
 * reservation that is not valid, 404 for an agent it does not know, 409 for resources the agent
 * does not have free, 503 while the agent is already being removed.
 */
export interface OperatorAnswer {
  readonly status: 200 | 202 | 400 | 404 | 409 | 503;
  readonly message: string;
}
