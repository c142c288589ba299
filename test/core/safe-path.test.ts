import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { relativeInside, resolveInside } from '../../core/safe-path.js';

const origin = { file: 'questions.json', field: 'questions[0].image' };
const names = ['a.jpg', 'val2014/COCO_val2014_000000262148.jpg', 'x/./y.jpg', 'x//y.jpg', 'x/y/', '.hidden/a.png', 'a/.b', 'a/b..c', 'dir\\file.jpg', '...', 'a/../a/b.jpg'];
const roots = ['/data/vqav2', '/data/vqav2/', '/data/./vqav2', '/', 'relative/root', '/data/vqav2/..'];

test('resolveInside and relativeInside give what path.resolve and path.relative give', () => {
  for (const root of roots) {
    for (const name of names) {
      if (name.split(/[\\/]+/).includes('..')) {
        assert.throws(() => resolveInside(root, name, origin), /contains '\.\.'/);
        continue;
      }
      const resolved = resolveInside(root, name, origin);
      assert.equal(resolved, path.resolve(path.resolve(root), name), `${root} + ${name}`);
      assert.equal(relativeInside(root, resolved), path.relative(root, resolved), `${root} → ${resolved}`);
    }
  }
  assert.equal(relativeInside('/data', '/database/x'), path.relative('/data', '/database/x'));
  assert.equal(relativeInside('/data', '/other/x'), '../other/x');
});

test('names that could leave the root are still refused', () => {
  assert.throws(() => resolveInside('/data', '/etc/passwd', origin), /is absolute/);
  assert.throws(() => resolveInside('/data', '', origin), /expected a file name/);
  assert.throws(() => resolveInside('/data', 'a\0b', origin), /is absolute/);
});
