import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inShard, parseShard, shardOf } from '../../evals/shard.js';

test('shards are disjoint and cover every sample', () => {
  const ids = Array.from({ length: 5000 }, (_, index) => String(index * 1000 + 7));
  for (const count of [1, 3, 7]) {
    const seen = new Map<string, number>();
    for (let index = 0; index < count; index += 1) {
      for (const id of ids) if (inShard(id, { index, count })) seen.set(id, (seen.get(id) ?? 0) + 1);
    }
    assert.equal(seen.size, ids.length);
    assert.ok([...seen.values()].every((times) => times === 1));
  }
});

test('shard membership depends only on the id and is roughly balanced', () => {
  assert.equal(shardOf('262148000', 7), shardOf('262148000', 7));
  const sizes = new Array(4).fill(0);
  for (let index = 0; index < 8000; index += 1) sizes[shardOf(String(index), 4)] += 1;
  for (const size of sizes) assert.ok(size > 1800 && size < 2200, `shard size ${size}`);
});

test('--shard parsing rejects what it cannot mean', () => {
  assert.deepEqual(parseShard('2/5'), { index: 2, count: 5 });
  for (const bad of ['5/5', '1/0', 'a/b', '1', '-1/3']) assert.throws(() => parseShard(bad), /--shard/);
});
