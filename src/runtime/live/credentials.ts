/**
 * Credentials as Mesos reads them (docs/authentication.md; src/credentials/credentials.hpp):
 *
 * - the master's `--credentials` file is JSON, `{"credentials": [{"principal": "p", "secret":
 *   "s"}, …]}`, or the older plain-text form Mesos still accepts: one `principal secret` pair per
 *   line, separated by spaces;
 * - an agent's `--credential` file holds one credential, `{"principal": "p", "secret": "s"}` or
 *   one `principal secret` line.
 *
 * Differences, each stricter or clearer: Mesos tries JSON and silently falls back to the text
 * form, so a JSON file with a wrong field is reported as a bad text line; here a file that starts
 * with `{` is JSON and its errors name the field. Principals must be non-empty and free of `:`
 * (HTTP Basic could never carry them; Mesos does not check), and a principal listed twice is an
 * error (Mesos keeps the last). Errors never quote a secret.
 *
 * {@link CredentialStore} checks a principal's secret in constant time: it compares SHA-256
 * digests with `timingSafeEqual`, so neither the secret's length nor its first differing byte
 * shows in the time taken, and an unknown principal costs the same as a known one.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import {
  arrayOf,
  type Decoder,
  fieldPath,
  formatDecodeError,
  indexPath,
  mapDecoded,
  refine,
  req,
  str,
  struct,
} from '../../core/messages/decode-helpers.js';
import { err, ok, type Result } from '../../core/result.js';

/** A principal and its secret. */
export interface Credential {
  readonly principal: string;
  readonly secret: string;
}

/** Why a principal cannot be used, or undefined. */
function principalProblem(principal: string): string | undefined {
  if (principal === '') return 'must not be empty';
  if (principal.includes(':'))
    return "must not contain ':' (HTTP Basic separates principal and secret by it)";
  return undefined;
}

const credential: Decoder<Credential> = refine(
  struct({ principal: req(str), secret: req(str) }),
  (c, path) => {
    const problem = principalProblem(c.principal);
    if (problem !== undefined) return { path: fieldPath(path, 'principal'), message: problem };
    if (c.secret === '') return { path: fieldPath(path, 'secret'), message: 'must not be empty' };
    return undefined;
  },
);

const credentialList: Decoder<readonly Credential[]> = mapDecoded(
  refine(struct({ credentials: req(arrayOf(credential, 100_000)) }), (file) => {
    const seen = new Set<string>();
    for (const [i, c] of file.credentials.entries()) {
      if (seen.has(c.principal)) {
        return {
          path: `${indexPath('credentials', i)}.principal`,
          message: `"${c.principal}" is listed twice`,
        };
      }
      seen.add(c.principal);
    }
    return undefined;
  }),
  (file) => file.credentials,
);

/** Parses a `--credentials` file (see the module comment); at least one credential. */
export function parseCredentials(text: string): Result<readonly Credential[], string> {
  const parsed = looksLikeJson(text) ? fromJson(text, credentialList) : fromLines(text);
  if (!parsed.ok) return parsed;
  // Mesos: "Credentials file must contain at least one credential".
  if (parsed.value.length === 0) return err('the file must contain at least one credential');
  return parsed;
}

/** Parses a `--credential` file: exactly one credential. */
export function parseCredential(text: string): Result<Credential, string> {
  if (looksLikeJson(text)) return fromJson(text, credential);
  const lines = fromLines(text);
  if (!lines.ok) return lines;
  const [only, ...more] = lines.value;
  if (only === undefined || more.length > 0) return err('expected exactly one "principal secret" line');
  return ok(only);
}

function looksLikeJson(text: string): boolean {
  return text.trimStart().startsWith('{');
}

function fromJson<T>(text: string, decode: Decoder<T>): Result<T, string> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    // The parser's message may quote the text around the error, which can be a secret.
    const at = e instanceof Error ? /position \d+/u.exec(e.message)?.[0] : undefined;
    return err(`not valid JSON${at === undefined ? '' : ` (at ${at})`}`);
  }
  const r = decode(json, '');
  return r.ok ? ok(r.value) : err(formatDecodeError(r.error));
}

/** The text form: one `principal secret` pair per non-empty line. */
function fromLines(text: string): Result<readonly Credential[], string> {
  const out: Credential[] = [];
  const seen = new Set<string>();
  const lines = text.split('\n');
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '') continue;
    const words = line.split(/[ \t]+/u);
    const [principal, secret] = words;
    // The line is not quoted back: its second word is a secret.
    if (words.length !== 2 || principal === undefined || secret === undefined) {
      return err(`line ${i + 1}: expected "principal secret" (two words separated by spaces)`);
    }
    const problem = principalProblem(principal);
    if (problem !== undefined) return err(`line ${i + 1}: the principal ${problem}`);
    if (seen.has(principal)) return err(`line ${i + 1}: principal "${principal}" is listed twice`);
    seen.add(principal);
    out.push({ principal, secret });
  }
  return ok(out);
}

/** Principals and their secrets, checked in constant time (see the module comment). */
export class CredentialStore {
  readonly #digests = new Map<string, Buffer>();
  /** Compared against when the principal is unknown, so that case takes as long. */
  readonly #nobody = digest('');

  constructor(credentials: readonly Credential[]) {
    for (const c of credentials) this.#digests.set(c.principal, digest(c.secret));
  }

  /** How many principals are known. */
  get size(): number {
    return this.#digests.size;
  }

  /** Whether `secret` is `principal`'s. */
  verify(principal: string, secret: string): boolean {
    const expected = this.#digests.get(principal);
    const same = timingSafeEqual(expected ?? this.#nobody, digest(secret));
    return same && expected !== undefined;
  }
}

function digest(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}
