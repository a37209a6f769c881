/** Ids the agent mints: container ids are random UUIDs, as Mesos's (`UUID::random()`). */

const HEX_CODES: readonly number[] = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
/** The 36 character codes of a UUID's text; the dashes stay where they are. */
const UUID_TEXT_CODES: number[] = Array.from('00000000-0000-0000-0000-000000000000', (c) => c.charCodeAt(0));
/** Where each byte's two hex digits start in the text (after 4, 6, 8 and 10 bytes, a dash). */
const BYTE_AT: readonly number[] = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];

/**
 * A random (version 4) UUID in its canonical text form, drawn from `random` (the env's stream).
 * Built in one string from character codes: every command task gets one.
 */
export function randomUuidText(random: () => number): string {
  const codes = UUID_TEXT_CODES;
  for (let i = 0; i < 16; i++) {
    let byte = Math.floor(random() * 256) & 255;
    if (i === 6) byte = (byte & 0x0f) | 0x40; // version 4
    if (i === 8) byte = (byte & 0x3f) | 0x80; // RFC 4122 variant
    const at = BYTE_AT[i] as number;
    codes[at] = HEX_CODES[byte >> 4] as number;
    codes[at + 1] = HEX_CODES[byte & 15] as number;
  }
  return String.fromCharCode(...codes);
}
