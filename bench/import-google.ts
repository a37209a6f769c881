/**
 * Times `agora import google-2011` on a generated trace (no real data): 100 machines and
 * `--tasks` tasks (default 1,000,000) over `--hours`, each submitted, scheduled a second later
 * and finished after 1 to 3,600 s, written as three time-ordered task_events part files (gzipped)
 * in a temporary folder. Prints rows, tasks, wall and CPU time, and the import's peak RSS (its
 * own process), which stays bounded by the tasks open at once and the sort buffer, not by the
 * trace's length.
 *
 *     npm run bench:import -- --tasks 1000000
 */
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGzip } from 'node:zlib';
import { benchArgs } from './args.js';

const args = benchArgs('npm run bench:import -- [--tasks N] [--hours H]', {
  tasks: { type: 'string', default: '1000000' },
  hours: { type: 'string', default: '24' },
});
const tasks = Number(args.tasks);
const steps = Math.round(Number(args.hours) * 3600);
const dir = mkdtempSync(join(tmpdir(), 'agora-bench-import-'));
mkdirSync(join(dir, 'machine_events'));
mkdirSync(join(dir, 'task_events'));
writeFileSync(
  join(dir, 'machine_events', 'part-00000-of-00001.csv'),
  Array.from({ length: 100 }, (_, m) => `0,${m},0,P,0.5,0.5`).join('\n'),
);

const parts = 3;
let part = -1;
let gzip = createGzip();
let file = createWriteStream('/dev/null');
let rows = 0;
const perPart = Math.ceil((tasks * 3) / parts);
async function write(line: string): Promise<void> {
  if (rows % perPart === 0) {
    if (part >= 0) {
      gzip.end();
      await once(file, 'close');
    }
    part++;
    gzip = createGzip();
    file = createWriteStream(join(dir, 'task_events', `part-0000${part}-of-0000${parts}.csv.gz`));
    gzip.pipe(file);
  }
  rows++;
  if (!gzip.write(`${line}\n`)) await once(gzip, 'drain');
}

const started = performance.now();
const due = new Map<number, string[]>();
const perStep = tasks / steps;
let submitted = 0;
for (let s = 0; s < steps + 3700 && (submitted < tasks || due.size > 0); s++) {
  const us = s * 1_000_000;
  for (const ev of due.get(s) ?? []) {
    const [kind, job] = ev.split(':') as [string, string];
    if (kind === 'S') {
      await write(
        `${us},,${job},0,${Number(job) % 100},1,user${Number(job) % 50},0,${Number(job) % 12},0.01,0.01,,0`,
      );
      const end = s + 1 + (Number(job) % 3600);
      due.set(end, [...(due.get(end) ?? []), `F:${job}`]);
    } else
      await write(
        `${us},,${job},0,${Number(job) % 100},4,user${Number(job) % 50},0,${Number(job) % 12},0.01,0.01,,0`,
      );
  }
  due.delete(s);
  const n = Math.min(tasks - submitted, Math.floor((s + 1) * perStep) - submitted);
  for (let k = 0; k < n; k++, submitted++) {
    await write(`${us},,${submitted},0,,0,user${submitted % 50},0,${submitted % 12},0.01,0.01,,0`);
    due.set(s + 1, [...(due.get(s + 1) ?? []), `S:${submitted}`]);
  }
}
gzip.end();
await once(file, 'close');
console.error(`generated ${rows} rows in ${((performance.now() - started) / 1000).toFixed(1)} s`);

const cpu0 = process.cpuUsage();
const t0 = performance.now();
const out = execFileSync(
  process.execPath,
  [
    'bin/agora.js',
    'import',
    'google-2011',
    join(dir, 'machine_events', 'part-00000-of-00001.csv'),
    ...Array.from({ length: parts }, (_, p) =>
      join(dir, 'task_events', `part-0000${p}-of-0000${parts}.csv.gz`),
    ),
    '--out',
    join(dir, 'g.json'),
    '--json',
  ],
  { encoding: 'utf8', maxBuffer: 1 << 24 },
);
const wallS = (performance.now() - t0) / 1000;
const report = JSON.parse(out) as {
  tasks: number;
  rows: number;
  peakRssMb: number;
  sortRunsSpilled: number;
  wallSeconds: number;
};
const cpu = process.cpuUsage(cpu0);
console.log(
  `rows=${report.rows} tasks=${report.tasks} wall_s=${wallS.toFixed(1)} import_wall_s=${report.wallSeconds} ` +
    `sort_runs=${report.sortRunsSpilled} peak_rss_mb=${report.peakRssMb} (bench process cpu_s=${((cpu.user + cpu.system) / 1e6).toFixed(1)})`,
);
rmSync(dir, { recursive: true, force: true });
