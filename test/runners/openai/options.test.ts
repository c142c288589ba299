import assert from 'node:assert/strict';
import { test } from 'node:test';
import { joinModelSpecs, parseEndpoints } from '../../../runners/openai/endpoints.js';
import { isDeterministic, parseExtraBody } from '../../../runners/openai/extra-body.js';

test('a comma list of base URLs names the replicas; paths keep their prefix', () => {
  const endpoints = parseEndpoints('http://10.0.0.1:8000/v1, http://10.0.0.2:8000/v1/,https://gpu.example/api/v1');
  assert.deepEqual(
    endpoints.map((endpoint) => [endpoint.origin, endpoint.basePath]),
    [
      ['http://10.0.0.1:8000', '/v1'],
      ['http://10.0.0.2:8000', '/v1'],
      ['https://gpu.example', '/api/v1'],
    ],
  );
});

test('URLs with credentials, queries, other schemes or repeats are refused with a reason', () => {
  assert.throws(() => parseEndpoints(''), /base URL/);
  assert.throws(() => parseEndpoints('http://user:sk-secret@host/v1'), /credentials.*--api-key-env/);
  assert.throws(() => parseEndpoints('http://host/v1?key=1'), /query/);
  assert.throws(() => parseEndpoints('ftp://host/v1'), /ftp/);
  assert.throws(() => parseEndpoints('not a url'), /not a URL/);
  assert.throws(() => parseEndpoints('http://a/v1,http://a/v1/'), /twice/);
});

test('repeated --model openai:URL flags become one comma-list spec', () => {
  assert.equal(joinModelSpecs('openai:http://a/v1'), 'openai:http://a/v1');
  assert.equal(joinModelSpecs(['openai:http://a/v1', 'openai:http://b/v1']), 'openai:http://a/v1,http://b/v1');
  assert.equal(joinModelSpecs(['openai:http://a/v1,http://b/v1']), 'openai:http://a/v1,http://b/v1');
  assert.throws(() => joinModelSpecs(['onnx:./a', 'onnx:./b']), /only openai/);
});

test('--extra-body must be a JSON object that leaves the runner\'s own fields alone', () => {
  assert.deepEqual(parseExtraBody('{"use_beam_search": true, "best_of": 5}'), { use_beam_search: true, best_of: 5 });
  assert.throws(() => parseExtraBody('{bad'), /not valid JSON/);
  assert.throws(() => parseExtraBody('[1]'), /JSON object/);
  assert.throws(() => parseExtraBody('{"model": "x"}'), /cannot be overridden/);
  assert.equal(isDeterministic({}), true);
  assert.equal(isDeterministic({ temperature: 0, top_k: 1 }), true);
  assert.equal(isDeterministic({ temperature: 0.7 }), false);
});
