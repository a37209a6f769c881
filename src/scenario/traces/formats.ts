/** The trace formats `agora import` and `agora sim --trace-format` know, by name. */
import { Alibaba2018Importer } from './alibaba-2018.js';
import { AlibabaGpu2023Importer } from './alibaba-gpu-2023.js';
import { Google2011Importer } from './google-2011.js';
import type { TraceImporter } from './importer.js';
import type { ImportOptions } from './rows.js';

/** Format name → a fresh importer. */
export const TRACE_FORMATS: ReadonlyMap<string, (options: ImportOptions) => TraceImporter> = new Map<
  string,
  (options: ImportOptions) => TraceImporter
>([
  ['google-2011', (o) => new Google2011Importer(o)],
  ['alibaba-2018', (o) => new Alibaba2018Importer(o)],
  ['alibaba-gpu-2023', (o) => new AlibabaGpu2023Importer(o)],
]);

/** What becomes a framework, per format (the first is the default). */
export const FRAMEWORKS_BY: Readonly<Record<string, readonly string[]>> = {
  'google-2011': ['user', 'class'],
  'alibaba-2018': ['one', 'type'],
  'alibaba-gpu-2023': ['qos', 'one'],
};
