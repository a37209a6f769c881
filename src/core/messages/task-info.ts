/**
 * What a framework launches (include/mesos/v1/mesos.proto `CommandInfo`, `ExecutorInfo`,
 * `TaskInfo`, `TaskGroupInfo`). Decoding checks structure only: whether a task is launchable
 * (exactly one of `command` and `executor`, valid ids, resources within the offer) is decided
 * by the master, which answers a bad task with TASK_ERROR rather than rejecting the call
 * (src/master/validation.cpp `task::validate`).
 */
import { ok } from '../result.js';
import { bytes } from './base64.js';
import {
  type DurationInfo,
  durationInfo,
  type KillPolicy,
  killPolicy,
  type Labels,
  labels,
} from './common.js';
import {
  arrayOf,
  bool,
  type Decoder,
  double,
  isJsonObject,
  mapOf,
  opt,
  optEnum,
  req,
  str,
  struct,
} from './decode-helpers.js';
import {
  type AgentID,
  agentId,
  type ExecutorID,
  executorId,
  type FrameworkID,
  frameworkId,
  type TaskID,
  taskId,
} from './ids.js';
import { type ResourceJson, resourceJsonList, type ValueScalar, valueScalar } from './resources-json.js';

/** A file the fetcher downloads into the sandbox before the command runs (`CommandInfo.URI`). */
export interface CommandUri {
  readonly value: string;
  readonly executable?: boolean;
  /** Default true: archives are extracted. */
  readonly extract?: boolean;
  readonly cache?: boolean;
  readonly output_file?: string;
}

/** An environment variable (`Environment.Variable`); secrets are not modelled. */
export interface EnvironmentVariable {
  readonly name: string;
  readonly type?: 'VALUE' | 'SECRET';
  readonly value?: string;
}

/** Environment variables set before the command runs (`Environment`). */
export interface Environment {
  readonly variables?: readonly EnvironmentVariable[];
}

/**
 * A command (`CommandInfo`). With `shell` (the default, true) `value` runs as `/bin/sh -c value`;
 * otherwise `value` is the executable and `arguments` its argv.
 */
export interface CommandInfo {
  readonly uris?: readonly CommandUri[];
  readonly environment?: Environment;
  readonly shell?: boolean;
  readonly value?: string;
  readonly arguments?: readonly string[];
  readonly user?: string;
}

/** Decodes a {@link CommandInfo}. */
export const commandInfo: Decoder<CommandInfo> = struct({
  uris: opt(
    arrayOf(
      struct({
        value: req(str),
        executable: opt(bool),
        extract: opt(bool),
        cache: opt(bool),
        output_file: opt(str),
      }),
    ),
  ),
  environment: opt(
    struct({
      variables: opt(
        arrayOf(
          struct({
            name: req(str),
            type: optEnum(['VALUE', 'SECRET'], 'environment variable type'),
            value: opt(str),
          }),
        ),
      ),
    }),
  ),
  shell: opt(bool),
  value: opt(str),
  arguments: opt(arrayOf(str)),
  user: opt(str),
});

/**
 * A custom executor (`ExecutorInfo`). `type` CUSTOM needs `command`; DEFAULT (the built-in
 * default executor, for task groups) must not have one; when absent Mesos infers it from
 * `command`. Not modelled: `container`, `discovery`, the deprecated `source`.
 */
export interface ExecutorInfo {
  readonly type?: 'DEFAULT' | 'CUSTOM';
  readonly executor_id: ExecutorID;
  readonly framework_id?: FrameworkID;
  readonly command?: CommandInfo;
  readonly resources?: readonly ResourceJson[];
  readonly name?: string;
  readonly data?: string;
  readonly shutdown_grace_period?: DurationInfo;
  readonly labels?: Labels;
}

/** Decodes an {@link ExecutorInfo}. */
export const executorInfo: Decoder<ExecutorInfo> = struct({
  type: optEnum(['DEFAULT', 'CUSTOM'], 'executor type'),
  executor_id: req(executorId),
  framework_id: opt(frameworkId),
  command: opt(commandInfo),
  resources: opt(resourceJsonList),
  name: opt(str),
  data: opt(bytes),
  shutdown_grace_period: opt(durationInfo),
  labels: opt(labels),
});

/**
 * A `Value.Scalar` of `TaskInfo.limits`. The proto says `{"value": x}`, but the example in
 * docs/scheduler-http-api.md writes the bare number (`"cpus": "Infinity", "mem": 512.0`); we
 * accept both and keep the proto form, which is also what we write.
 */
const limitValue: Decoder<ValueScalar> = (json, path) => {
  if (isJsonObject(json)) return valueScalar(json, path);
  const r = double(json, path);
  return r.ok ? ok({ value: r.value }) : r;
};

/**
 * A task (`TaskInfo`): exactly one of `command` (run by the built-in command executor) and
 * `executor` should be set. `limits` (resource name → scalar, possibly `Infinity`) caps what the
 * task may burst to. Not modelled: `container`, `health_check`, `check`, `discovery`.
 */
export interface TaskInfo {
  readonly name: string;
  readonly task_id: TaskID;
  readonly agent_id: AgentID;
  readonly resources?: readonly ResourceJson[];
  readonly executor?: ExecutorInfo;
  readonly command?: CommandInfo;
  readonly kill_policy?: KillPolicy;
  readonly data?: string;
  readonly labels?: Labels;
  readonly max_completion_time?: DurationInfo;
  readonly limits?: Readonly<Record<string, ValueScalar>>;
}

/** Decodes a {@link TaskInfo}. */
export const taskInfo: Decoder<TaskInfo> = struct({
  name: req(str),
  task_id: req(taskId),
  agent_id: req(agentId),
  resources: opt(resourceJsonList),
  executor: opt(executorInfo),
  command: opt(commandInfo),
  kill_policy: opt(killPolicy),
  data: opt(bytes),
  labels: opt(labels),
  max_completion_time: opt(durationInfo),
  limits: opt(mapOf(limitValue)),
});

/** Tasks delivered to one executor atomically (`TaskGroupInfo`). */
export interface TaskGroupInfo {
  readonly tasks?: readonly TaskInfo[];
}

/** Decodes a {@link TaskGroupInfo}. */
export const taskGroupInfo: Decoder<TaskGroupInfo> = struct({ tasks: opt(arrayOf(taskInfo)) });
