/**
 * A small JSON reader that keeps integers exact: an integer literal becomes a `bigint`
 * (JSON.parse would round anything past 2^53), a literal with a fraction or exponent a
 * `number`. Objects become Maps, so a duplicated key is caught and no prototype is touched.
 */

/** A JSON value as `readJson` returns it. */
export type JsonValue = null | boolean | string | number | bigint | readonly JsonValue[] | ReadonlyMap<string, JsonValue>;

const WS = /[ \t\n\r]*/y;
const NUMBER = /-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;
const STRING = /"(?:[^"\\\u0000-\u001F]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const LITERALS: ReadonlyArray<readonly [string, JsonValue]> = [['true', true], ['false', false], ['null', null]];

class Reader {
  pos = 0;
  constructor(readonly text: string) {}

  fail(what: string): never {
    throw new SyntaxError(`bad JSON at ${this.pos}: ${what}`);
  }

  skip(): void {
    WS.lastIndex = this.pos;
    WS.exec(this.text);
    this.pos = WS.lastIndex;
  }

  match(re: RegExp): string | undefined {
    re.lastIndex = this.pos;
    const m = re.exec(this.text);
    if (m === null) return undefined;
    this.pos = re.lastIndex;
    return m[0];
  }

  eat(ch: string): boolean {
    this.skip();
    if (this.text[this.pos] !== ch) return false;
    this.pos++;
    return true;
  }

  value(): JsonValue {
    this.skip();
    const c = this.text[this.pos];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return this.string();
    for (const [word, v] of LITERALS) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return v;
      }
    }
    const num = this.match(NUMBER);
    if (num === undefined) return this.fail('expected a value');
    return /[.eE]/.test(num) ? Number(num) : BigInt(num);
  }

  string(): string {
    const s = this.match(STRING);
    if (s === undefined) return this.fail('bad string');
    return JSON.parse(s) as string;
  }

  array(): JsonValue[] {
    this.pos++;
    const out: JsonValue[] = [];
    if (this.eat(']')) return out;
    do out.push(this.value());
    while (this.eat(','));
    if (!this.eat(']')) this.fail("expected ',' or ']'");
    return out;
  }

  object(): Map<string, JsonValue> {
    this.pos++;
    const out = new Map<string, JsonValue>();
    if (this.eat('}')) return out;
    do {
      this.skip();
      const key = this.string();
      if (out.has(key)) this.fail(`duplicated key ${JSON.stringify(key)}`);
      if (!this.eat(':')) this.fail("expected ':'");
      out.set(key, this.value());
    } while (this.eat(','));
    if (!this.eat('}')) this.fail("expected ',' or '}'");
    return out;
  }
}

/**
 * Read one JSON document, integers as `bigint`. Pure.
 *
 * @throws SyntaxError on malformed JSON, a duplicated key, or text after the document
 */
export function readJson(text: string): JsonValue {
  const r = new Reader(text);
  const v = r.value();
  r.skip();
  if (r.pos !== text.length) r.fail('text after the document');
  return v;
}
