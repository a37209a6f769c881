/**
 * What a command task's command means in the simulated world (the shared conventions): the same
 * text live mode runs with `/bin/sh -c`, reduced to how long it runs and how it exits. The
 * grammar is a small subset of sh:
 *
 *     script   := list (';' list)* [';']
 *     list     := simple (('&&' | '||') simple)*
 *     simple   := 'sleep' DURATION+ | 'exit' [N] | 'true' | 'false'
 *     DURATION := NUMBER ['s' | 'm' | 'h' | 'd'] | 'infinity'      (GNU sleep; several are summed)
 *
 * So `sleep 5` runs 5 s and exits 0, `sleep 2; exit 3` and `sleep 2 && exit 3` run 2 s and exit
 * 3, `exit 4` exits at once, `true`/`false` exit 0/1 at once, and `sleep infinity` never ends.
 * `&&` and `||` run their right side only after a success or a failure, as sh does. Anything
 * else (quotes, pipes, other programs) is unsupported: the caller fails the task with a clear
 * message rather than guess.
 */

/** How long a simulated command runs and how it exits. */
export interface SimScript {
  /** Run time in ms; `Infinity` for a command that never ends by itself. */
  readonly durationMs: number;
  /** Exit status once it ends (0-255). */
  readonly code: number;
}

/**
 * The commands scenario frameworks run, `sleep <n>` and `sleep <n>; exit <code>` (one space
 * each, no unit or a GNU unit): read with one regular expression, to what the grammar below
 * makes of them (every command task is read once).
 */
const SLEEP_THEN_EXIT = /^sleep (\d+(?:\.\d*)?|\.\d+)([smhd]?)(?:; exit (\d{1,3}))?$/u;

/** The script for `text`, or undefined if the simulated world does not support it. */
export function parseSimCommand(text: string): SimScript | undefined {
  const common = SLEEP_THEN_EXIT.exec(text);
  if (common !== null) {
    const code = common[3] === undefined ? 0 : Number(common[3]);
    const durationMs = Math.round(Number(common[1]) * (UNIT_MS[common[2] as string] as number));
    // Past these bounds the grammar's own reading differs (an exit status over 255 is not one;
    // an endless sleep makes what follows it moot): it decides.
    if (code <= 255 && Number.isFinite(durationMs)) return { durationMs, code };
  }
  const lists = text.split(';').map((l) => l.trim());
  if (lists.length > 1 && lists[lists.length - 1] === '') lists.pop(); // a trailing ';'
  if (lists.length === 0 || lists.some((l) => l === '')) return undefined;
  let timeMs = 0;
  let status = 0;
  for (const list of lists) {
    const tokens = list.split(/\s+/u);
    let run = true; // whether the next simple command runs
    let words: string[] = [];
    for (let i = 0; i <= tokens.length; i++) {
      const token = tokens[i];
      if (token !== undefined && token !== '&&' && token !== '||') {
        words.push(token);
        continue;
      }
      if (words.length === 0) return undefined; // an operator with nothing before it
      if (run) {
        const step = simple(words, status);
        if (step === undefined) return undefined;
        if (step.kind === 'exit') return { durationMs: timeMs, code: step.code };
        timeMs += step.sleepMs;
        status = step.status;
        if (!Number.isFinite(timeMs)) return { durationMs: Number.POSITIVE_INFINITY, code: 0 };
      } else if (!isSupported(words)) {
        return undefined;
      }
      words = [];
      if (token === undefined) break;
      run = token === '&&' ? status === 0 : status !== 0;
    }
    if (words.length > 0) return undefined;
  }
  return { durationMs: timeMs, code: status };
}

type Step =
  | { readonly kind: 'ran'; readonly sleepMs: number; readonly status: number }
  | { readonly kind: 'exit'; readonly code: number };

/** Runs one simple command given the status of the previous one. */
function simple(words: readonly string[], status: number): Step | undefined {
  const [name, ...args] = words;
  switch (name) {
    case 'true':
      return args.length === 0 ? { kind: 'ran', sleepMs: 0, status: 0 } : undefined;
    case 'false':
      return args.length === 0 ? { kind: 'ran', sleepMs: 0, status: 1 } : undefined;
    case 'exit': {
      if (args.length === 0) return { kind: 'exit', code: status };
      const code = args.length === 1 ? exitCode(args[0] as string) : undefined;
      return code === undefined ? undefined : { kind: 'exit', code };
    }
    case 'sleep': {
      if (args.length === 0) return undefined;
      let total = 0;
      for (const arg of args) {
        const ms = durationMs(arg);
        if (ms === undefined) return undefined;
        total += ms;
      }
      return { kind: 'ran', sleepMs: total, status: 0 };
    }
    default:
      return undefined;
  }
}

function isSupported(words: readonly string[]): boolean {
  return simple(words, 0) !== undefined;
}

function exitCode(text: string): number | undefined {
  if (!/^\d{1,3}$/u.test(text)) return undefined;
  const n = Number(text);
  return n <= 255 ? n : undefined;
}

const UNIT_MS: Readonly<Record<string, number>> = {
  '': 1000,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** A GNU sleep argument in ms (rounded to whole ms), `Infinity`, or undefined if invalid. */
function durationMs(text: string): number | undefined {
  if (text === 'infinity' || text === 'inf') return Number.POSITIVE_INFINITY;
  const m = /^(\d+(?:\.\d*)?|\.\d+)([smhd]?)$/u.exec(text);
  if (m === null) return undefined;
  const unit = UNIT_MS[m[2] as string] as number;
  return Math.round(Number(m[1]) * unit);
}
