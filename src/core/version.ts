/**
 * The version Agora's master and agent report where Mesos's report theirs (`MasterInfo.version`,
 * the agent's registration `version`): Agora's own, so that a client never mistakes it for a
 * Mesos release whose every feature it would then assume.
 */
export const AGORA_PROCESS_VERSION = 'agora-0.1.0';
