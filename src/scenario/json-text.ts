/**
 * A JSON checker for scenario text: it finds the first syntax error with its offset and a plain
 * message, and every duplicated key with its path. `JSON.parse` still builds the value; this
 * exists because its errors differ between Node versions (some carry no position at all) and
 * because it silently keeps the last of two equal keys, which hides a pasted-twice field.
 */
import { joinIndex, joinKey } from './issues.js';

/** A JSON syntax error at a 0-based UTF-16 offset. */
export interface JsonSyntaxError {
  readonly offset: number;
  readonly message: string;
}

/** A key that occurs twice in one object. */
export interface DuplicateKey {
  /** The key's path, e.g. `frameworks[0].jobs[2].duration`. */
  readonly path: string;
  /** Offset of the second occurrence, and of the first. */
  readonly offset: number;
  readonly firstOffset: number;
}

/** What {@link scanJson} found. */
export interface JsonScan {
  readonly syntax: JsonSyntaxError | undefined;
  readonly duplicates: readonly DuplicateKey[];
}

/** Nesting deeper than this is refused: no scenario needs it, and it bounds the recursion. */
export const MAX_JSON_DEPTH = 256;

/** 1-based line and column of a 0-based offset (columns count UTF-16 code units). */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/** Thrown inside the scanner to stop at the first syntax error; never escapes {@link scanJson}. */
class Stop {
  readonly error: JsonSyntaxError;
  constructor(error: JsonSyntaxError) {
    this.error = error;
  }
}

const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/u;
const NUMBER_CHARS = /[-+0-9.eE]+/uy;
const WORD = /[A-Za-z_$][A-Za-z0-9_$]*/uy;
const ESCAPES = '"\\/bfnrtu';
const LITERALS = ['true', 'false', 'null'] as const;

/** Checks `text` as JSON; reports the first syntax error and up to `maxDuplicates` duplicate keys. */
export function scanJson(text: string, maxDuplicates: number): JsonScan {
  const scanner = new Scanner(text, maxDuplicates);
  try {
    scanner.document();
    return { syntax: undefined, duplicates: scanner.duplicates };
  } catch (e) {
    if (e instanceof Stop) return { syntax: e.error, duplicates: scanner.duplicates };
    throw e;
  }
}

class Scanner {
  readonly duplicates: DuplicateKey[] = [];
  private readonly text: string;
  private readonly maxDuplicates: number;
  private pos = 0;

  constructor(text: string, maxDuplicates: number) {
    this.text = text;
    this.maxDuplicates = maxDuplicates;
  }

  document(): void {
    this.skipSpace();
    if (this.pos >= this.text.length) this.fail('empty input (expected a JSON object)');
    this.value('', 0);
    this.skipSpace();
    if (this.pos < this.text.length) this.fail('unexpected text after the end of the JSON value');
  }

  private fail(message: string, at: number = this.pos): never {
    throw new Stop({ offset: at, message });
  }

  private skipSpace(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return;
      this.pos++;
    }
  }

  private value(path: string, depth: number): void {
    const c = this.text[this.pos];
    if (c === undefined) this.fail('unexpected end of input (expected a value)');
    if (c === '{') {
      this.object(path, depth + 1);
    } else if (c === '[') {
      this.array(path, depth + 1);
    } else if (c === '"') {
      this.string();
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      this.number();
    } else {
      this.literal(c);
    }
  }

  private literal(c: string): void {
    for (const literal of LITERALS) {
      if (this.text.startsWith(literal, this.pos)) {
        this.pos += literal.length;
        return;
      }
    }
    this.notAValue(c);
  }

  private notAValue(c: string): never {
    if (c === '/') this.fail('comments are not allowed in JSON');
    if (c === "'") this.fail('strings must be in double quotes');
    WORD.lastIndex = this.pos;
    const word = WORD.exec(this.text)?.[0];
    if (word !== undefined) this.fail(`unexpected word "${word}" (expected a value)`);
    this.fail(`unexpected character ${JSON.stringify(c)} (expected a value)`);
  }

  private number(): void {
    NUMBER_CHARS.lastIndex = this.pos;
    const token = NUMBER_CHARS.exec(this.text)?.[0] ?? '';
    if (!NUMBER.test(token)) this.fail(`invalid number "${token}"`);
    this.pos += token.length;
  }

  /** Skips a string starting at the opening quote; returns its offset range. */
  private string(): [number, number] {
    const t = this.text;
    const start = this.pos;
    let i = start + 1;
    while (i < t.length) {
      const c = t.charCodeAt(i);
      if (c === 0x22) {
        this.pos = i + 1;
        return [start, this.pos];
      }
      if (c === 0x0a || c === 0x0d) {
        this.fail('unterminated string (a string cannot hold a line break; write \\n)', start);
      }
      if (c < 0x20) this.fail('control character in a string (write it as an escape such as \\t)', i);
      if (c === 0x5c) {
        const e = t[i + 1];
        if (e === undefined || !ESCAPES.includes(e))
          this.fail(`invalid escape "\\${e ?? ''}" in a string`, i);
        if (e === 'u' && !/^[0-9A-Fa-f]{4}$/u.test(t.slice(i + 2, i + 6))) {
          this.fail('invalid \\u escape in a string (expected four hex digits)', i);
        }
        i += e === 'u' ? 6 : 2;
      } else {
        i++;
      }
    }
    this.fail('unterminated string', start);
  }

  private object(path: string, depth: number): void {
    if (depth > MAX_JSON_DEPTH) this.fail(`nested deeper than ${MAX_JSON_DEPTH} levels`);
    this.pos++; // {
    const seen = new Map<string, number>();
    this.skipSpace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return;
    }
    for (;;) {
      const keyAt = this.pos;
      const key = this.key();
      const keyPath = joinKey(path, key);
      const first = seen.get(key);
      if (first === undefined) seen.set(key, keyAt);
      else if (this.duplicates.length < this.maxDuplicates) {
        this.duplicates.push({ path: keyPath, offset: keyAt, firstOffset: first });
      }
      this.skipSpace();
      if (this.text[this.pos] !== ':')
        this.fail(`expected ":" after the property name ${JSON.stringify(key)}`);
      this.pos++;
      this.skipSpace();
      this.value(keyPath, depth);
      this.skipSpace();
      const c = this.text[this.pos];
      if (c === '}') {
        this.pos++;
        return;
      }
      if (c !== ',') this.fail(`expected "," or "}" after the value of ${JSON.stringify(key)}`);
      const comma = this.pos++;
      this.skipSpace();
      if (this.text[this.pos] === '}') this.fail('trailing comma before "}" is not allowed in JSON', comma);
    }
  }

  private key(): string {
    const c = this.text[this.pos];
    if (c === undefined) this.fail('unexpected end of input (expected a property name)');
    if (c !== '"') {
      WORD.lastIndex = this.pos;
      const word = WORD.exec(this.text)?.[0];
      if (word !== undefined) this.fail(`property names must be in double quotes, got ${word}`);
      this.fail(`expected a property name in double quotes, got ${JSON.stringify(c)}`);
    }
    const [start, end] = this.string();
    return JSON.parse(this.text.slice(start, end)) as string;
  }

  private array(path: string, depth: number): void {
    if (depth > MAX_JSON_DEPTH) this.fail(`nested deeper than ${MAX_JSON_DEPTH} levels`);
    this.pos++; // [
    this.skipSpace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return;
    }
    for (let index = 0; ; index++) {
      this.value(joinIndex(path, index), depth);
      this.skipSpace();
      const c = this.text[this.pos];
      if (c === ']') {
        this.pos++;
        return;
      }
      if (c !== ',') this.fail('expected "," or "]" after an array item');
      const comma = this.pos++;
      this.skipSpace();
      if (this.text[this.pos] === ']') this.fail('trailing comma before "]" is not allowed in JSON', comma);
    }
  }
}
