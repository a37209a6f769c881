/**
 * Who may talk to a live master, as Mesos's master flags say it (docs/authentication.md,
 * docs/configuration/master.md):
 *
 * - `credentials`: the principals and secrets the master knows (`--credentials`).
 * - `authenticateFrameworks`: every scheduler request needs valid HTTP Basic credentials
 *   (Mesos's `--authenticate_http_frameworks` with the `basic` authenticator; Agora's
 *   schedulers all use the HTTP API, so it is also what `--authenticate_frameworks` means here).
 *   Off, the master does not look at a scheduler's credentials at all, as a Mesos master
 *   without that flag installs no authenticator for the scheduler endpoint.
 * - `authenticateAgents`: every agent message needs valid credentials (`--authenticate_agents`).
 *   Off, an agent may send none, but credentials it does send must be valid: a Mesos agent given
 *   `--credential` always authenticates, and a refusal keeps it from registering.
 * - `authenticateHttpReadonly`: the read-only endpoints (`/master/*`, `/state`, `/metrics*`,
 *   `/quota`, `/weights`, the web UI) need valid credentials (`--authenticate_http_readonly`);
 *   `/health`, `/master/health`, `/version` and `/master/redirect` never do, as in Mesos.
 * - `authenticateHttpReadwrite`: every operator API call (`/api/v1`) needs valid HTTP Basic
 *   credentials (Mesos's `--authenticate_http_readwrite`, which guards `/api/v1`).
 * - `acls`: the `register_frameworks`, `register_agents` and operator rules (`--acls`), see
 *   authorization.ts.
 *
 * As in Mesos, turning authentication on without credentials is an error.
 */
import type { Acls } from './authorization.js';
import { type Credential, CredentialStore } from './credentials.js';
import { AGENT_REALM, type EndpointAuthentication, SCHEDULER_REALM } from './http-basic.js';

/** The realm of the read-only endpoints' Basic authentication (Mesos's default). */
export const READONLY_REALM = 'mesos-master-readonly';

/** The realm of the operator API (Mesos's master read-write endpoints' realm). */
export const OPERATOR_REALM = 'mesos-master-readwrite';

import type { LiveCounters } from './master-metrics.js';

/** A master's security settings; all off by default. */
export interface MasterSecurity {
  readonly credentials?: readonly Credential[];
  readonly authenticateFrameworks?: boolean;
  readonly authenticateAgents?: boolean;
  readonly authenticateHttpReadonly?: boolean;
  readonly authenticateHttpReadwrite?: boolean;
  readonly acls?: Acls;
}

/** How the scheduler endpoint and the agent channel authenticate. */
export interface MasterAuthentication {
  readonly schedulers: EndpointAuthentication;
  readonly agents: EndpointAuthentication;
  /** The read-only endpoints (see the module comment). */
  readonly readonly: EndpointAuthentication;
  readonly operators: EndpointAuthentication;
}

/** The endpoints' authentication for `security`; throws if it asks for authentication without credentials. */
export function masterAuthentication(security: MasterSecurity, counters: LiveCounters): MasterAuthentication {
  const store =
    security.credentials === undefined || security.credentials.length === 0
      ? undefined
      : new CredentialStore(security.credentials);
  if (
    (security.authenticateFrameworks === true ||
      security.authenticateAgents === true ||
      security.authenticateHttpReadonly === true ||
      security.authenticateHttpReadwrite === true) &&
    store === undefined
  ) {
    // Mesos: "Authentication requires a credentials file (see --credentials flag)".
    throw new Error('authentication requires credentials (--credentials)');
  }
  const refused = () => {
    counters.authenticationFailures++;
  };
  return {
    schedulers: {
      mode: security.authenticateFrameworks === true ? 'required' : 'ignored',
      realm: SCHEDULER_REALM,
      credentials: store,
      refused,
    },
    readonly: {
      mode: security.authenticateHttpReadonly === true ? 'required' : 'ignored',
      realm: READONLY_REALM,
      credentials: store,
      refused,
    },
    agents: {
      mode:
        security.authenticateAgents === true ? 'required' : store === undefined ? 'ignored' : 'if-presented',
      realm: AGENT_REALM,
      credentials: store,
      refused,
    },
    operators: {
      mode: security.authenticateHttpReadwrite === true ? 'required' : 'ignored',
      realm: OPERATOR_REALM,
      credentials: store,
      refused,
    },
  };
}
