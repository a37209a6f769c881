/**
 * The bench scripts' flags: Node's `parseArgs`, plus `--help` (prints the usage and exits 0) and a
 * one-line error with the usage for a bad flag (exit 2) instead of a stack trace.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parses `process.argv` against `options`; `usage` is the script's usage line. */
export function benchArgs<O extends Options>(usage: string, options: O) {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    console.log(usage);
    process.exit(0);
  }
  try {
    return parseArgs({ options, strict: true }).values;
  } catch (e) {
    console.error(`bench: ${e instanceof Error ? e.message : String(e)}\n${usage}`);
    process.exit(2);
  }
}
