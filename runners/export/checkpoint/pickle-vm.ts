// A minimal, safe unpickler for torch.save's data.pkl (pickle protocol 2; the few protocol 3–4 opcodes a
// newer pickler may add are understood too). Nothing is imported or executed: GLOBAL resolves only names
// the caller allows, REDUCE calls only the caller's own stand-ins for them, and anything else in the
// stream is refused with the file, the byte offset and the opcode or global named. Opcode semantics
// follow CPython's Lib/pickle.py.
import { DataError } from '../../../core/errors.js';

/** A callable the stream may name with GLOBAL: the caller's stand-in for a Python function or class. */
export interface PickleGlobal {
  readonly qualifiedName: string;
  call(args: unknown[]): unknown;
}

export interface PickleHooks {
  /** The stand-in for `module.name`, or undefined to refuse the file. */
  findGlobal(module: string, name: string): PickleGlobal | undefined;
  /** Resolves a BINPERSID id (torch: the storage tuple). */
  persistentLoad(pid: unknown): unknown;
}

const MARK = Symbol('mark');
const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

export function unpickle(data: Uint8Array, file: string, hooks: PickleHooks): unknown {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const stack: unknown[] = [];
  const marks: number[] = [];
  const memo = new Map<number, unknown>();
  let at = 0;
  let opcodeAt = 0;

  const fail = (why: string): never => {
    throw new DataError(`${file}: cannot unpickle at byte ${opcodeAt}: ${why}`, file);
  };
  const need = (count: number) => {
    if (at + count > data.length) fail(`the pickle ends early (needs ${count} more bytes, ${data.length - at} left)`);
  };
  const u8 = () => (need(1), data[at++]!);
  const u16 = () => (need(2), (at += 2), view.getUint16(at - 2, true));
  const u32 = () => (need(4), (at += 4), view.getUint32(at - 4, true));
  const bytes = (count: number) => (need(count), data.subarray(at, (at += count)));
  const line = () => {
    const end = data.indexOf(0x0a, at);
    if (end < 0) fail('unterminated text argument');
    const text = latin1.decode(data.subarray(at, end));
    at = end + 1;
    return text;
  };
  const pop = () => (stack.length === 0 || stack[stack.length - 1] === MARK ? fail('stack underflow') : stack.pop());
  const top = () => (stack.length === 0 ? fail('stack underflow') : stack[stack.length - 1]);
  const popMark = (): unknown[] => {
    const mark = marks.pop();
    if (mark === undefined) fail('no MARK to pop to');
    const items = stack.splice(mark!);
    items.shift();
    return items;
  };
  const text = (raw: Uint8Array) => {
    try {
      return utf8.decode(raw);
    } catch {
      return fail('a string is not valid UTF-8');
    }
  };
  const integer = (raw: Uint8Array): number => {
    // Two's-complement little-endian (LONG1/LONG4); offsets and sizes of real tensors fit in 2^53.
    let value = 0n;
    for (let i = raw.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(raw[i]!);
    if (raw.length > 0 && raw[raw.length - 1]! & 0x80) value -= 1n << BigInt(8 * raw.length);
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) fail(`integer ${value} is out of range`);
    return Number(value);
  };
  const dictOf = (target: unknown): Map<unknown, unknown> => (target instanceof Map ? target : fail('SETITEM(S) on something that is not a dict'));
  const listOf = (target: unknown): unknown[] => (Array.isArray(target) ? target : fail('APPEND(S) on something that is not a list'));
  const callable = (target: unknown): PickleGlobal =>
    typeof target === 'object' && target !== null && 'call' in target ? (target as PickleGlobal) : fail('REDUCE on something that is not an allowed global');
  const invoke = (target: PickleGlobal, args: unknown[]) => {
    try {
      return target.call(args);
    } catch (error) {
      if (error instanceof DataError) throw error;
      return fail((error as Error).message);
    }
  };
  const global = (module: string, name: string): PickleGlobal => {
    const found = hooks.findGlobal(module, name);
    if (!found) {
      throw new DataError(`${file}: refusing to unpickle: global ${module}.${name} is not one torch.save writes for a state dict (nothing was executed)`, file, `${module}.${name}`);
    }
    return found;
  };

  for (;;) {
    opcodeAt = at;
    const op = u8();
    switch (op) {
      case 0x80: // PROTO
        if (u8() > 5) fail('pickle protocol above 5');
        break;
      case 0x95: // FRAME: framing is only a buffering hint
        bytes(8);
        break;
      case 0x2e: // STOP
        if (stack.length !== 1) fail(`STOP with ${stack.length} values on the stack`);
        return stack[0];
      case 0x28: // MARK
        marks.push(stack.length);
        stack.push(MARK);
        break;
      case 0x30: // POP
        pop();
        break;
      case 0x31: // POP_MARK
        popMark();
        break;
      case 0x32: // DUP
        stack.push(top());
        break;
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x4a: // BININT
        need(4);
        stack.push(view.getInt32(at, true));
        at += 4;
        break;
      case 0x4b: // BININT1
        stack.push(u8());
        break;
      case 0x4d: // BININT2
        stack.push(u16());
        break;
      case 0x8a: // LONG1
        stack.push(integer(bytes(u8())));
        break;
      case 0x8b: // LONG4
        stack.push(integer(bytes(u32())));
        break;
      case 0x47: // BINFLOAT: big-endian double
        need(8);
        stack.push(view.getFloat64(at, false));
        at += 8;
        break;
      case 0x58: // BINUNICODE
        stack.push(text(bytes(u32())));
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(text(bytes(u8())));
        break;
      case 0x54: // BINSTRING (Python 2 str)
        stack.push(latin1.decode(bytes(u32())));
        break;
      case 0x55: // SHORT_BINSTRING
        stack.push(latin1.decode(bytes(u8())));
        break;
      case 0x42: // BINBYTES
        stack.push(bytes(u32()).slice());
        break;
      case 0x43: // SHORT_BINBYTES
        stack.push(bytes(u8()).slice());
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push([]);
        break;
      case 0x74: // TUPLE
        stack.push(popMark());
        break;
      case 0x85: // TUPLE1
        stack.push([pop()]);
        break;
      case 0x86: {
        // TUPLE2
        const second = pop();
        stack.push([pop(), second]);
        break;
      }
      case 0x87: {
        // TUPLE3
        const third = pop();
        const second = pop();
        stack.push([pop(), second, third]);
        break;
      }
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x6c: // LIST
        stack.push(popMark());
        break;
      case 0x61: {
        // APPEND
        const item = pop();
        listOf(top()).push(item);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark();
        listOf(top()).push(...items);
        break;
      }
      case 0x7d: // EMPTY_DICT
        stack.push(new Map());
        break;
      case 0x64: {
        // DICT
        const items = popMark();
        const dict = new Map<unknown, unknown>();
        for (let i = 0; i + 1 < items.length; i += 2) dict.set(items[i], items[i + 1]);
        stack.push(dict);
        break;
      }
      case 0x73: {
        // SETITEM
        const value = pop();
        const key = pop();
        dictOf(top()).set(key, value);
        break;
      }
      case 0x75: {
        // SETITEMS
        const items = popMark();
        const dict = dictOf(top());
        if (items.length % 2 !== 0) fail('SETITEMS with an odd number of items');
        for (let i = 0; i < items.length; i += 2) dict.set(items[i], items[i + 1]);
        break;
      }
      case 0x63: {
        // GLOBAL
        const module = line();
        stack.push(global(module, line()));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') fail('STACK_GLOBAL without two strings');
        stack.push(global(module as string, name as string));
        break;
      }
      case 0x52: {
        // REDUCE
        const args = pop();
        const target = callable(pop());
        if (!Array.isArray(args)) fail(`REDUCE of ${target.qualifiedName} without an argument tuple`);
        stack.push(invoke(target, args as unknown[]));
        break;
      }
      case 0x81: {
        // NEWOBJ: cls.__new__(cls, *args)
        const args = pop();
        const target = callable(pop());
        if (!Array.isArray(args)) fail(`NEWOBJ of ${target.qualifiedName} without an argument tuple`);
        stack.push(invoke(target, args as unknown[]));
        break;
      }
      case 0x62: // BUILD: state (a state dict's `_metadata` of module versions) carries no tensor data
        pop();
        top();
        break;
      case 0x51: // BINPERSID
        stack.push(hooks.persistentLoad(pop()));
        break;
      case 0x71: // BINPUT
        memo.set(u8(), top());
        break;
      case 0x72: // LONG_BINPUT
        memo.set(u32(), top());
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, top());
        break;
      case 0x68: // BINGET
      case 0x6a: {
        // LONG_BINGET
        const key = op === 0x68 ? u8() : u32();
        if (!memo.has(key)) fail(`memo ${key} read before it was written`);
        stack.push(memo.get(key));
        break;
      }
      default:
        fail(`opcode 0x${op.toString(16).padStart(2, '0')} (${JSON.stringify(String.fromCharCode(op))}) is not one torch.save writes`);
    }
  }
}
