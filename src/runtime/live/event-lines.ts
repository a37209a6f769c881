/**
 * What the live master and agent log: the trace events their sans-IO processes already record
 * (env.trace, the same records the simulator writes with `--trace`), turned into one readable
 * line each by the live root. The processes do no IO and nothing in them changes; the root picks
 * the events an operator wants to read, as Mesos's master and agent log them (src/master/master.cpp,
 * src/slave/slave.cpp): registrations, subscriptions, launches, terminal states, agent loss,
 * failovers. Every other event has no line.
 */
import { isTerminalState, type TaskState } from '../../core/messages/task-state.js';
import type { TraceEvent } from '../../core/process.js';
import type { LogLevel } from './logger.js';

/** One log line an event makes. */
export interface EventLine {
  readonly level: LogLevel;
  readonly text: string;
}

type Describe = (e: TraceEvent) => EventLine | undefined;

/** A field as text (`?` when absent). */
function f(e: TraceEvent, name: string): string {
  const v = e[name];
  if (v === undefined || v === null) return '?';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

const info = (text: string): EventLine => ({ level: 'info', text });
const warning = (text: string): EventLine => ({ level: 'warning', text });
const debug = (text: string): EventLine => ({ level: 'debug', text });

/** Seconds, for a field in milliseconds. */
function seconds(e: TraceEvent, name: string): string {
  const v = e[name];
  return typeof v === 'number' ? `${Number((v / 1000).toFixed(3))} s` : '?';
}

/** A task's state change: launches and terminal states at info, the rest at debug. */
function taskLine(e: TraceEvent, where: string): EventLine {
  const state = f(e, 'state');
  const reason = e.reason === undefined ? '' : ` (${f(e, 'reason')})`;
  const text = `task ${f(e, 'task')} of framework ${f(e, 'framework')}${where} is ${state}${reason}`;
  return isTerminalState(state as TaskState) ? info(text) : debug(text);
}

const MASTER: Readonly<Record<string, Describe>> = {
  started: (e) => info(`master ${f(e, 'id')} started`),
  'registry-recovered': (e) =>
    info(
      `recovered the registry: ${f(e, 'agents')} agent(s) admitted, ${f(e, 'unreachable')} unreachable` +
        (e.durable === true ? '' : ' (in memory: no --work-dir)'),
    ),
  'framework-subscribed': (e) =>
    e.retry === true
      ? debug(`framework ${f(e, 'framework')} sent SUBSCRIBE again`)
      : info(
          `framework ${f(e, 'framework')} (${f(e, 'name')}) subscribed in role(s) ${(
            (e.roles as readonly string[] | undefined) ?? []
          ).join(',')}`,
        ),
  'framework-resubscribed': (e) => info(`framework ${f(e, 'framework')} resubscribed (failed over)`),
  'framework-recovered': (e) => info(`framework ${f(e, 'framework')} recovered after a master failover`),
  'subscribe-refused': (e) => warning(`SUBSCRIBE refused: ${f(e, 'message')}`),
  'update-framework-refused': (e) =>
    warning(`UPDATE_FRAMEWORK of framework ${f(e, 'framework')} refused: ${f(e, 'message')}`),
  'framework-disconnected': (e) =>
    info(
      `framework ${f(e, 'framework')} disconnected; it is removed unless it resubscribes within ${seconds(e, 'failoverTimeoutMs')}`,
    ),
  'framework-removed': (e) => info(`framework ${f(e, 'framework')} removed: ${f(e, 'why')}`),
  'agent-registered': (e) =>
    info(`agent ${f(e, 'agent')} registered from ${f(e, 'from')} (hostname ${f(e, 'hostname')})`),
  'agent-reregistered': (e) => info(`agent ${f(e, 'agent')} reregistered from ${f(e, 'from')}`),
  'agent-readmitted': (e) =>
    info(
      `agent ${f(e, 'agent')} reregistered from ${f(e, 'from')} after a master failover, with ${f(e, 'tasks')} task(s)` +
        (e.wasUnreachable === true ? ' (it was unreachable)' : ''),
    ),
  'agent-refused': (e) =>
    warning(`agent ${e.agent === undefined ? f(e, 'from') : f(e, 'agent')} refused: ${f(e, 'why')}`),
  'agent-disconnected': (e) => warning(`agent ${f(e, 'agent')} disconnected`),
  'agent-unreachable': (e) => warning(`agent ${f(e, 'agent')} is unreachable: ${f(e, 'why')}`),
  'agent-removed': (e) => warning(`agent ${f(e, 'agent')} removed: ${f(e, 'why')}`),
  'recovered-agent-unreachable': (e) =>
    warning(
      `agent ${f(e, 'agent')} from the registry did not reregister within ${seconds(e, 'afterMs')}: unreachable`,
    ),
  task: (e) =>
    e.state === 'TASK_STAGING'
      ? info(`launching task ${f(e, 'task')} of framework ${f(e, 'framework')} on agent ${f(e, 'agent')}`)
      : taskLine(e, e.agent === undefined ? '' : ` on agent ${f(e, 'agent')}`),
};

const AGENT: Readonly<Record<string, Describe>> = {
  started: (e) => info(`agent started (hostname ${f(e, 'hostname')})`),
  recovered: (e) =>
    info(
      `recovered agent ${f(e, 'agent')} from its checkpoint: ${f(e, 'frameworks')} framework(s), ${f(e, 'tasks')} task(s)`,
    ),
  'master-detected': (e) =>
    e.cause === 'start'
      ? debug(`registering with the master in ${seconds(e, 'delayMs')}`)
      : info(`registering with the master again (${f(e, 'cause')}) in ${seconds(e, 'delayMs')}`),
  'register-sent': (e) =>
    debug(
      `${e.reregister === true ? 'REREGISTER_AGENT' : 'REGISTER_AGENT'} sent; next attempt in ${seconds(e, 'retryInMs')} unless the master answers`,
    ),
  registered: (e) => info(`registered with the master as agent ${f(e, 'agent')}`),
  reregistered: (e) => info(`reregistered with the master as agent ${f(e, 'agent')}`),
  'master-lost': (e) => warning(`lost the master: ${f(e, 'why')}`),
  'task-launched': (e) =>
    info(`launched task ${f(e, 'task')} of framework ${f(e, 'framework')} (executor ${f(e, 'executor')})`),
  'task-refused': (e) =>
    warning(`refused task ${f(e, 'task')} of framework ${f(e, 'framework')}: ${f(e, 'why')}`),
  'executor-launch-failed': (e) =>
    warning(
      `executor ${f(e, 'executor')} of framework ${f(e, 'framework')} failed to launch: ${f(e, 'why')}`,
    ),
  'executor-terminated': (e) =>
    debug(`executor ${f(e, 'executor')} of framework ${f(e, 'framework')} terminated`),
  task: (e) => taskLine(e, ''),
  'framework-shutdown': (e) => info(`shutting down framework ${f(e, 'framework')}`),
  shutdown: (e) => warning(`shutting down: ${f(e, 'why') || 'asked by the master'}`),
};

/** The log line of a live master's or agent's trace event, if it has one. */
export function eventLine(event: TraceEvent): EventLine | undefined {
  const dot = event.kind.indexOf('.');
  const scope = event.kind.slice(0, dot);
  const kind = event.kind.slice(dot + 1);
  const table = scope === 'master' ? MASTER : scope === 'agent' ? AGENT : undefined;
  return table?.[kind]?.(event);
}

/** The trace kinds that have a line (`master.started`, …), to check they are still traced. */
export const LOGGED_KINDS: readonly string[] = [
  ...Object.keys(MASTER).map((k) => `master.${k}`),
  ...Object.keys(AGENT).map((k) => `agent.${k}`),
];
