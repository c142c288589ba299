// data.pkl as torch.save writes it for a state dict: CPython's pickler at protocol 2 with torch's
// persistent ids, opcode for opcode (memo puts, memo gets for repeated globals and interned strings,
// TUPLE1–3, batched SETITEMS). Checked byte-equal against torch 1.13's own output.

export interface PickledTensor {
  name: string;
  /** torch storage class name: FloatStorage, HalfStorage, BFloat16Storage, LongStorage, ... */
  storageType: string;
  storageKey: string;
  /** Elements in the storage. */
  storageNumel: number;
  storageOffset: number;
  shape: number[];
  strides: number[];
}

export interface PickleLayout {
  /** collections.OrderedDict (Module.state_dict) or a plain dict (transformers' shards). */
  dictType: 'OrderedDict' | 'dict';
  /** Module.state_dict's `_metadata` attribute, pickled as OrderedDict state (BUILD). */
  moduleMetadata: boolean;
  /** Saves {wrapIn: state_dict} instead of the state dict itself (training checkpoints). */
  wrapIn?: string;
}

class Pickler {
  private readonly chunks: number[] = [];
  private readonly memo = new Map<string, number>();

  bytes(): Uint8Array {
    return Uint8Array.from(this.chunks);
  }
  op(...codes: number[]) {
    this.chunks.push(...codes);
  }
  private u32(value: number) {
    this.op(value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff);
  }
  /** BINPUT of the next memo slot; `key` names what a later {@link get} can fetch. */
  put(key?: string) {
    const slot = this.memo.size;
    this.memo.set(key ?? `#${slot}`, slot);
    if (slot < 256) this.op(0x71, slot);
    else this.op(0x72), this.u32(slot);
  }
  /** BINGET when `key` was memoized, and true; false when it was not. */
  get(key: string): boolean {
    const slot = this.memo.get(key);
    if (slot === undefined) return false;
    if (slot < 256) this.op(0x68, slot);
    else this.op(0x6a), this.u32(slot);
    return true;
  }
  global(module: string, name: string) {
    if (this.get(`global:${module}.${name}`)) return;
    this.op(0x63, ...new TextEncoder().encode(`${module}\n${name}\n`));
    this.put(`global:${module}.${name}`);
  }
  /** BINUNICODE; `interned` strings are one object in CPython, so repeats are memo gets. */
  string(text: string, interned = false) {
    if (interned && this.get(`str:${text}`)) return;
    const bytes = new TextEncoder().encode(text);
    this.op(0x58);
    this.u32(bytes.length);
    this.op(...bytes);
    this.put(interned ? `str:${text}` : undefined);
  }
  int(value: number) {
    if (value >= 0 && value <= 0xff) this.op(0x4b, value);
    else if (value >= 0 && value <= 0xffff) this.op(0x4d, value & 0xff, value >>> 8);
    else if (value >= -0x80000000 && value <= 0x7fffffff) this.op(0x4a), this.u32(value >>> 0);
    else {
      // LONG1: minimal two's-complement little-endian bytes (pickle.encode_long).
      let rest = BigInt(value);
      const bytes: number[] = [];
      do {
        bytes.push(Number(rest & 0xffn));
        rest >>= 8n;
      } while (!(rest === 0n && (bytes[bytes.length - 1]! & 0x80) === 0) && !(rest === -1n && (bytes[bytes.length - 1]! & 0x80) !== 0));
      this.op(0x8a, bytes.length, ...bytes);
    }
  }
  /** A tuple whose items `items` writes: TUPLE1–3 or MARK…TUPLE, then memoized; () is not. */
  tuple(count: number, items: () => void) {
    if (count === 0) return this.op(0x29);
    if (count > 3) this.op(0x28);
    items();
    this.op(count > 3 ? 0x74 : [0, 0x85, 0x86, 0x87][count]!);
    this.put();
  }
  ints(values: number[]) {
    this.tuple(values.length, () => values.forEach((value) => this.int(value)));
  }
  emptyOrderedDict() {
    this.global('collections', 'OrderedDict');
    this.op(0x29, 0x52);
    this.put();
  }
  /** Items of the dict just pushed: SETITEM for one, MARK…SETITEMS in batches of 1,000 for more. */
  setItems<T>(items: T[], each: (item: T) => void) {
    for (let start = 0; start < items.length; start += 1000) {
      const batch = items.slice(start, start + 1000);
      if (batch.length > 1) this.op(0x28);
      batch.forEach(each);
      this.op(batch.length > 1 ? 0x75 : 0x73);
    }
  }
}

function tensor(p: Pickler, t: PickledTensor) {
  p.string(t.name);
  p.global('torch._utils', '_rebuild_tensor_v2');
  p.tuple(6, () => {
    p.tuple(5, () => {
      p.string('storage', true);
      p.global('torch', t.storageType);
      p.string(t.storageKey);
      p.string('cpu', true);
      p.int(t.storageNumel);
    });
    p.op(0x51); // BINPERSID
    p.int(t.storageOffset);
    p.ints(t.shape);
    p.ints(t.strides);
    p.op(0x89); // requires_grad=False
    p.emptyOrderedDict(); // backward_hooks
  });
  p.op(0x52);
  p.put();
}

export function pickleStateDict(tensors: PickledTensor[], layout: PickleLayout): Uint8Array {
  const p = new Pickler();
  p.op(0x80, 2);
  if (layout.wrapIn !== undefined) {
    p.op(0x7d);
    p.put();
    p.string(layout.wrapIn);
  }
  if (layout.dictType === 'OrderedDict') p.emptyOrderedDict();
  else p.op(0x7d), p.put();
  p.setItems(tensors, (t) => tensor(p, t));
  if (layout.moduleMetadata) {
    // {'_metadata': OrderedDict({'': {'version': 1}})}, applied with BUILD as OrderedDict.__reduce__ asks.
    p.op(0x7d);
    p.put();
    p.string('_metadata');
    p.emptyOrderedDict();
    p.string('');
    p.op(0x7d);
    p.put();
    p.string('version');
    p.int(1);
    p.op(0x73, 0x73, 0x73, 0x62);
  }
  if (layout.wrapIn !== undefined) p.op(0x73);
  p.op(0x2e);
  return p.bytes();
}
