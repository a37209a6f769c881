/** Who sends each master–agent message (Mesos src/messages/messages.proto, by direction). */
import test from 'ava';
import { type AgentMessage, sentByAgent, sentByMaster } from '../../../src/core/messages/agent-protocol.js';

const m = (type: AgentMessage['type']) => ({ type }) as AgentMessage;

test('each message type has one sender: the agent registers, pongs and reports; the master commands', (t) => {
  const byAgent = [
    'REGISTER_AGENT',
    'REREGISTER_AGENT',
    'UNREGISTER_AGENT',
    'PONG_AGENT',
    'STATUS_UPDATE',
    'EXITED_EXECUTOR',
    'EXECUTOR_TO_FRAMEWORK',
  ] as const;
  const byMaster = [
    'AGENT_REGISTERED',
    'AGENT_REREGISTERED',
    'PING_AGENT',
    'RUN_TASK',
    'RUN_TASK_GROUP',
    'KILL_TASK',
    'STATUS_UPDATE_ACKNOWLEDGEMENT',
    'RECONCILE_TASKS',
    'SHUTDOWN_FRAMEWORK',
    'SHUTDOWN_EXECUTOR',
    'UPDATE_FRAMEWORK',
    'FRAMEWORK_TO_EXECUTOR',
    'SHUTDOWN_AGENT',
  ] as const;
  for (const type of byAgent) t.true(sentByAgent(m(type)) && !sentByMaster(m(type)), type);
  for (const type of byMaster) t.true(sentByMaster(m(type)) && !sentByAgent(m(type)), type);
});
