/**
 * The `agora` command line: thin commands that parse, call and print. Each command lives in its
 * own file and registers itself on the program here.
 */
import { Command, CommanderError } from '@commander-js/extra-typings';
import { registerChaos } from './chaos.js';
import { registerFairShare } from './fair-share.js';
import { registerImport } from './import.js';
import { registerLive, registerLiveReplay } from './live.js';
import { registerReport } from './report-export.js';
import { registerSim } from './sim.js';
import { registerSweep } from './sweep.js';
import { CommandExit, UsageError } from './usage-error.js';
import { registerValidate } from './validate.js';
import { AGORA_VERSION } from './version.js';

/** Exit code for bad input (as Mesos's tools and most Unix commands use). */
export const EXIT_USAGE = 2;

/** Where a command writes; tests pass buffers instead of the process streams. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
  /** Whether stderr is a terminal (progress lines are drawn only then). */
  readonly errIsTerminal?: boolean;
}

const processOutput: Output = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  errIsTerminal: process.stderr.isTTY === true,
};

/** Builds the program with every command registered. */
export function buildProgram(output: Output): Command {
  const program = new Command('agora')
    .description(
      'Agora: design, test and run resource-sharing clusters in the Apache Mesos mould.\n' +
        'Commands compute allocations, replay scenarios and run live clusters.',
    )
    .version(AGORA_VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: output.out, writeErr: output.err })
    .exitOverride();
  registerFairShare(program, output);
  registerValidate(program, output);
  registerSim(program, output);
  registerImport(program, output);
  registerSweep(program, output);
  registerReport(program, output);
  registerChaos(program, output);
  registerLive(program, output);
  registerLiveReplay(program, output);
  return program;
}

/**
 * Runs the command line and returns the exit code: 0 on success, 2 for bad input (one line on
 * stderr), 1 for an internal error.
 */
export async function main(argv: readonly string[], output: Output = processOutput): Promise<number> {
  const program = buildProgram(output);
  try {
    await program.parseAsync(argv as string[]);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Commander already printed its message; help and version exit with code 0.
      return e.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    if (e instanceof CommandExit) return e.exitCode;
    if (e instanceof UsageError) {
      output.err(`agora: ${e.message}\n`);
      return EXIT_USAGE;
    }
    output.err(`agora: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 1;
  }
}
