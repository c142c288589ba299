import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeUtf8 } from '../../core/validation.js';

test('decodeUtf8 gives what UTF-8 decoding gives, for ASCII, other text and invalid bytes', () => {
  const cases = [Buffer.from('{"answer":"yes"}'), Buffer.from('é 😀 \u2028 ٣'), Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), Buffer.from([0xef, 0xbb, 0xbf, 0x5b, 0x5d]), Buffer.alloc(0)];
  for (const bytes of cases) {
    assert.equal(decodeUtf8(bytes), bytes.toString('utf8'));
    assert.equal(decodeUtf8(new Uint8Array(bytes)), bytes.toString('utf8'));
  }
  const inside = Buffer.from('xx"é"yy');
  assert.equal(decodeUtf8(inside.subarray(2, 6)), '"é"');
});
