/**
 * The machine's figures Mesos's master and agent both show in `/metrics/snapshot` (libprocess's
 * `system/*` metrics, 3rdparty/libprocess/src/metrics/system.hpp, docs/monitoring.md): CPUs,
 * load averages and memory of the host the process runs on.
 */
import { cpus, freemem, loadavg, totalmem } from 'node:os';

/** `system/cpus_total`, `system/load_1min|5min|15min`, `system/mem_total_bytes`, `system/mem_free_bytes`. */
export function systemMetrics(): Record<string, number> {
  const [load1, load5, load15] = loadavg();
  return {
    'system/cpus_total': cpus().length,
    'system/load_1min': load1 ?? 0,
    'system/load_5min': load5 ?? 0,
    'system/load_15min': load15 ?? 0,
    'system/mem_total_bytes': totalmem(),
    // Node reads MemAvailable on Linux; libprocess reads sysinfo's freeram, which leaves out
    // reclaimable page cache, so Mesos's figure can be lower on the same machine.
    'system/mem_free_bytes': freemem(),
  };
}
