/**
 * Where a task's persistent volumes live on the agent and where the task sees them (Mesos
 * src/slave/paths.cpp `getPersistentVolumePath`, docs/persistent-volume.md): a volume's data is
 * kept under `<work_dir>/volumes/roles/<role>/<persistence id>`, outside any sandbox, so that it
 * outlives the task; a task using it finds it at its `container_path`, relative to its sandbox
 * (the live command runner links it there). Absolute container paths need a container image in
 * Mesos; Agora runs no images, so they, and paths leaving the sandbox, are refused.
 */
import type { ResourceJson } from '../core/messages/resources-json.js';

/** A volume to show a task: the directory on the agent, and where in the sandbox it appears. */
export interface VolumeMount {
  readonly hostPath: string;
  readonly containerPath: string;
}

/** The volumes among a task's resources, or the reason one cannot be shown to the task. */
export function taskVolumes(workDir: string, resources: readonly ResourceJson[]): VolumeMount[] | string {
  const mounts: VolumeMount[] = [];
  for (const r of resources) {
    const id = r.disk?.persistence?.id;
    const containerPath = r.disk?.volume?.container_path;
    if (id === undefined || containerPath === undefined) continue;
    const role = r.reservations?.at(-1)?.role ?? r.role ?? '*';
    if (containerPath.startsWith('/') || containerPath.split('/').includes('..') || containerPath === '') {
      return `volume '${id}': container_path '${containerPath}' must be relative to the sandbox (no image to mount it in)`;
    }
    mounts.push({ hostPath: `${workDir}/volumes/roles/${role}/${id}`, containerPath });
  }
  return mounts;
}
