/** Mesos's `--zk_session_timeout` default: 10 s. */
export const DEFAULT_ZK_SESSION_TIMEOUT_MS = 10_000;
