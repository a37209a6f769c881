/**
 * Protobuf `bytes` fields (`TaskStatus.uuid`, `data`) travel as base64 text in Mesos's JSON
 * (docs/scheduler-http-api.md). Messages keep that text exactly as received, because a scheduler
 * must echo a status update's uuid back unchanged in ACKNOWLEDGE.
 *
 * Validation follows stout's decoder (3rdparty/stout/include/stout/base64.hpp `decode`), which is
 * lenient: it stops at the first `=`, skips ASCII whitespace, accepts missing padding and ignores
 * leftover bits, and rejects any other character outside the standard alphabet.
 */
import { ok } from '../result.js';
import { drawUuidBytes, UUID_BYTES } from '../uuid.js';
import { type Decoder, failure, stringOf } from './decode-helpers.js';
import { DECODE_LIMITS } from './limits.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
// stout skips what C's isspace() accepts in the "C" locale.
const SKIPPED = ' \t\n\v\f\r';
/** The character code of each base64 digit value (0-63). */
const DIGIT_CODES: readonly number[] = Array.from(ALPHABET, (c) => c.charCodeAt(0));

/** What each ASCII character is to the decoder; anything else is invalid. */
const CharClass = { invalid: 0, digit: 1, skipped: 2, padding: 3 } as const;
const CHAR_CLASS = new Uint8Array(128);
for (const code of DIGIT_CODES) CHAR_CLASS[code] = CharClass.digit;
for (const c of SKIPPED) CHAR_CLASS[c.charCodeAt(0)] = CharClass.skipped;
CHAR_CLASS['='.charCodeAt(0)] = CharClass.padding;

/**
 * The number of base64 digits before the first `=`, or undefined if a character is invalid.
 * Read by character code through a table (every acknowledgement and status update is checked,
 * so this is on the simulator's per-task path); a non-ASCII character is invalid, as it is in
 * neither the alphabet nor the skipped set.
 */
function digitCount(text: string): number | undefined {
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const kind = code < 128 ? (CHAR_CLASS[code] as number) : CharClass.invalid;
    if (kind === CharClass.digit) digits++;
    else if (kind === CharClass.padding) break;
    else if (kind === CharClass.invalid) return undefined;
  }
  return digits;
}

/** Whether stout would decode `text` (see the module comment for what it tolerates). */
export function isBase64(text: string): boolean {
  return digitCount(text) !== undefined;
}

/**
 * How many bytes stout decodes from `text` (4 digits make 3 bytes, a trailing group of n digits
 * makes n − 1), or undefined if it is not base64.
 */
export function base64ByteLength(text: string): number | undefined {
  const digits = digitCount(text);
  return digits === undefined ? undefined : Math.floor((digits * 6) / 8);
}

const text = stringOf(DECODE_LIMITS.maxBytesTextLength);

/** A `bytes` field: base64 text, kept as given. */
export const bytes: Decoder<string> = (json, path) => {
  const r = text(json, path);
  if (!r.ok) return r;
  if (!isBase64(r.value)) return failure(path, 'expected base64');
  return r;
};

/** Bytes in a UUID (RFC 4122), which `id::UUID::fromBytes` insists on (defined in core/uuid.ts). */
export { UUID_BYTES };

/**
 * A `bytes` field that must hold a UUID: exactly 16 bytes, as Mesos's validation requires of
 * `Call.Acknowledge.uuid` and of an executor's `TaskStatus.uuid` (`id::UUID::fromBytes`).
 */
export const uuidBytes: Decoder<string> = (json, path) => {
  const r = bytes(json, path);
  if (!r.ok) return r;
  const n = base64ByteLength(r.value);
  if (n !== UUID_BYTES) return failure(path, `expected a ${UUID_BYTES}-byte UUID, got ${n ?? 0} bytes`);
  return ok(r.value);
};

/** Standard, padded base64 of `data` (each item a byte, 0-255), as stout's `encode` writes it. */
export function encodeBase64(data: readonly number[]): string {
  let out = '';
  for (let i = 0; i < data.length; i += 3) {
    const b0 = data[i] ?? 0;
    const b1 = data[i + 1] ?? 0;
    const b2 = data[i + 2] ?? 0;
    const n = (b0 << 16) | (b1 << 8) | b2;
    out += ALPHABET[(n >> 18) & 63];
    out += ALPHABET[(n >> 12) & 63];
    out += i + 1 < data.length ? ALPHABET[(n >> 6) & 63] : '=';
    out += i + 2 < data.length ? ALPHABET[n & 63] : '=';
  }
  return out;
}

/**
 * A random (version 4) RFC 4122 UUID as base64 of its 16 bytes: what an executor puts in
 * `TaskStatus.uuid`. `random` is the process's own seeded stream (`env.random()`), so the
 * simulator stays deterministic. The same text as {@link encodeBase64} of the bytes, built in
 * one string (every status update gets one).
 */
export function randomUuidBase64(random: () => number): string {
  const b = drawUuidBytes(random, UUID_SCRATCH);
  const c = UUID_CODES;
  // Five whole groups of 3 bytes make 20 digits; the 16th byte makes 2 digits and "==".
  for (let g = 0; g < 5; g++) {
    const n = ((b[3 * g] as number) << 16) | ((b[3 * g + 1] as number) << 8) | (b[3 * g + 2] as number);
    c[4 * g] = DIGIT_CODES[(n >> 18) & 63] as number;
    c[4 * g + 1] = DIGIT_CODES[(n >> 12) & 63] as number;
    c[4 * g + 2] = DIGIT_CODES[(n >> 6) & 63] as number;
    c[4 * g + 3] = DIGIT_CODES[n & 63] as number;
  }
  const last = b[15] as number;
  c[20] = DIGIT_CODES[last >> 2] as number;
  c[21] = DIGIT_CODES[(last & 3) << 4] as number;
  return String.fromCharCode(...c);
}

const UUID_SCRATCH = new Uint8Array(UUID_BYTES);
/** The 24 character codes of a UUID's base64 text; the last two are always padding. */
const UUID_CODES: number[] = Array.from(`${'A'.repeat(22)}==`, (ch) => ch.charCodeAt(0));
