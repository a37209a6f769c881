/**
 * Bad input from the user of a command: printed as one line on stderr, exit code 2, never a
 * stack trace.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
