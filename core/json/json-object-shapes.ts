// Object shapes for JsonFastDecoder. The objects of a dataset file come in a few key sequences
// (an annotation: question_type, multiple_choice_answer, answers, ...; an answer: answer,
// answer_confidence, answer_id). For each such sequence the decoder keeps the keys' bytes, to match a
// key in the file without decoding it, and a function that builds the object as one object literal,
// several times cheaper than adding the properties one by one. An object literal with these keys
// gives what JSON.parse gives: the same key order (integer-like keys first), a repeated key at its
// first position with its last value. `__proto__` never gets here (the decoder gives up on it).

export interface ObjectShape {
  readonly keys: readonly string[];
  /** Each key's bytes in the file, written without escapes. */
  readonly keyBytes: readonly Uint8Array[];
  /** The object with `values[k]` under `keys[k]`. */
  readonly make: (values: readonly unknown[]) => Record<string, unknown>;
}

/** Longer key lists are built property by property. */
const MAX_SHAPE_KEYS = 16;
/** Shapes one decoder compiles at most, so a file of ever-new key sets can't make it compile without end. */
const MAX_COMPILED_SHAPES = 256;
/** Recent shapes remembered per nesting depth, most recent first. */
const RECENT_PER_DEPTH = 4;

/** A key whose bytes in the file are its characters: printable ASCII, no quote or backslash. */
function isPlainKey(key: string): boolean {
  for (let position = 0; position < key.length; position++) {
    const code = key.charCodeAt(position);
    if (code < 0x20 || code > 0x7e || code === 0x22 || code === 0x5c) return false;
  }
  return key !== '__proto__';
}

function compile(keys: readonly string[]): ObjectShape {
  const properties = keys.map((key, position) => `${JSON.stringify(key)}: values[${position}]`).join(', ');
  // The keys are JSON string literals, so the source is exactly one object literal.
  const make = new Function('values', `return { ${properties} };`) as ObjectShape['make'];
  return { keys: [...keys], keyBytes: keys.map((key) => Buffer.from(key, 'latin1')), make };
}

function sameKeys(shape: ObjectShape, keys: readonly string[], count: number): boolean {
  if (shape.keys.length !== count) return false;
  for (let position = 0; position < count; position++) if (shape.keys[position] !== keys[position]) return false;
  return true;
}

export class ObjectShapes {
  private readonly recent: ObjectShape[][] = [];
  private compiled = 0;

  /** The shape last used at this depth: the decoder expects the next object there to have it. */
  predicted(depth: number): ObjectShape | undefined {
    return this.recent[depth]?.[0];
  }

  /** The shape for the first `count` of `keys` at this depth, or undefined when it gets none. */
  find(depth: number, keys: readonly string[], count: number): ObjectShape | undefined {
    const recent = (this.recent[depth] ??= []);
    for (let position = 0; position < recent.length; position++) {
      const shape = recent[position]!;
      if (!sameKeys(shape, keys, count)) continue;
      if (position > 0) {
        recent.splice(position, 1);
        recent.unshift(shape);
      }
      return shape;
    }
    if (count === 0 || count > MAX_SHAPE_KEYS || this.compiled >= MAX_COMPILED_SHAPES) return undefined;
    for (let position = 0; position < count; position++) if (!isPlainKey(keys[position]!)) return undefined;
    this.compiled++;
    let shape: ObjectShape;
    try {
      shape = compile(keys.slice(0, count));
    } catch (error) {
      // Node run with --disallow-code-generation-from-strings: objects are built key by key.
      if (!(error instanceof EvalError)) throw error;
      this.compiled = MAX_COMPILED_SHAPES;
      return undefined;
    }
    recent.unshift(shape);
    if (recent.length > RECENT_PER_DEPTH) recent.pop();
    return shape;
  }
}
