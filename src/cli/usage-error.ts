/**
 * Bad input from the user of a command: printed as one line on stderr, exit code 2, never a
 * stack trace.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * Ends a command with a non-zero exit code after it has said why (e.g. `agora execute` when the
 * task did not finish): not bad input, so no `agora:` line is added.
 */
export class CommandExit extends Error {
  readonly exitCode: number;

  constructor(exitCode: number) {
    super(`exit ${exitCode}`);
    this.exitCode = exitCode;
  }
}
