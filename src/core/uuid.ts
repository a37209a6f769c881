/**
 * Random (version 4, RFC 4122) UUIDs drawn from a process's own seeded stream, so the simulator
 * stays deterministic: Mesos's `UUID::random()` for master ids and container ids (text form,
 * here), and for status update uuids (base64 of the bytes, core/messages/base64.ts). Both forms
 * draw their 16 bytes through {@link drawUuidBytes}, so one stream gives the same UUID in either.
 */

/** A UUID's length in bytes. */
export const UUID_BYTES = 16;

/**
 * Fills `into` (16 bytes) with a random version-4 UUID: 16 draws from `random` (each
 * `floor(random() * 256)`, in byte order), then the version and variant bits. Returns `into`.
 */
export function drawUuidBytes(random: () => number, into: Uint8Array): Uint8Array {
  for (let i = 0; i < UUID_BYTES; i++) into[i] = Math.floor(random() * 256) & 255;
  into[6] = ((into[6] as number) & 0x0f) | 0x40; // version 4
  into[8] = ((into[8] as number) & 0x3f) | 0x80; // RFC 4122 variant
  return into;
}

const HEX_CODES: readonly number[] = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
/** The 36 character codes of a UUID's text; the dashes stay where they are. */
const TEXT_CODES: number[] = Array.from('00000000-0000-0000-0000-000000000000', (c) => c.charCodeAt(0));
/** Where each byte's two hex digits start in the text (after 4, 6, 8 and 10 bytes, a dash). */
const BYTE_AT: readonly number[] = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];
const SCRATCH = new Uint8Array(UUID_BYTES);

/**
 * A random UUID in its canonical text form (`xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx`, lower-case
 * hex), drawn from `random` (the env's stream). Built in one string from character codes: every
 * command task gets one.
 */
export function randomUuidText(random: () => number): string {
  const bytes = drawUuidBytes(random, SCRATCH);
  const codes = TEXT_CODES;
  for (let i = 0; i < UUID_BYTES; i++) {
    const byte = bytes[i] as number;
    const at = BYTE_AT[i] as number;
    codes[at] = HEX_CODES[byte >> 4] as number;
    codes[at + 1] = HEX_CODES[byte & 15] as number;
  }
  return String.fromCharCode(...codes);
}
