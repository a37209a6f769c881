/**
 * Agora's version, read once from package.json (the one place it is written), for `--version`
 * and the reports' provenance block.
 */
import { readFileSync } from 'node:fs';

/** The `version` of Agora's package.json. */
export const AGORA_VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** A command line as a person would type it again: arguments with spaces or quotes quoted. */
export function commandLine(args: readonly string[]): string {
  return args.map((a) => (/^[\w@%+=:,./-]+$/u.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`)).join(' ');
}
