/**
 * A custom executor written in TypeScript, as a scheduler in the live tests launches it: the
 * ExecutorInfo whose command runs the program with this Node and tsx, and resources of its own.
 */
import { fileURLToPath } from 'node:url';

/** The echo executor program (fixtures/echo-executor.ts). */
export const ECHO_EXECUTOR = fileURLToPath(new URL('./fixtures/echo-executor.ts', import.meta.url));

/** tsx by absolute URL: the executor runs in its sandbox, where `tsx` alone does not resolve. */
const TSX = import.meta.resolve('tsx');

/** The ExecutorInfo of executor `id` running the TypeScript `program` (0.1 cpus, 64 MB). */
export function typescriptExecutor(program: string, id = 'echo') {
  const scalar = (name: string, value: number) => ({ name, type: 'SCALAR' as const, scalar: { value } });
  return {
    executor_id: { value: id },
    command: { value: `"${process.execPath}" --import "${TSX}" "${program}"` },
    resources: [scalar('cpus', 0.1), scalar('mem', 64)],
  };
}
