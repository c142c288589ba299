import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffDelay, DEFAULT_RETRY_POLICY, isRetryableStatus, parseRetryAfter, pauseUnlessAborted, retryDelay } from '../../../runners/openai/retry.js';

test('408, 409, 429 and every 5xx are retried; other 4xx are not', () => {
  for (const status of [408, 409, 429, 500, 502, 503, 504, 599]) assert.equal(isRetryableStatus(status), true, String(status));
  for (const status of [400, 401, 403, 404, 413, 422]) assert.equal(isRetryableStatus(status), false, String(status));
});

test('Retry-After is read as retry-after-ms, seconds or an HTTP date', () => {
  const now = Date.parse('2024-05-01T12:00:00Z');
  assert.equal(parseRetryAfter({ 'retry-after-ms': '250' }, now), 250);
  assert.equal(parseRetryAfter({ 'retry-after-ms': '250', 'retry-after': '9' }, now), 250);
  assert.equal(parseRetryAfter({ 'retry-after': '2' }, now), 2000);
  assert.equal(parseRetryAfter({ 'retry-after': 'Wed, 01 May 2024 12:00:03 GMT' }, now), 3000);
  assert.equal(parseRetryAfter({ 'retry-after': 'Wed, 01 May 2024 11:00:00 GMT' }, now), 0);
  assert.equal(parseRetryAfter({ 'retry-after': 'soon' }, now), undefined);
  assert.equal(parseRetryAfter({ 'retry-after': '-1' }, now), undefined);
  assert.equal(parseRetryAfter({}, now), undefined);
});

test('backoff doubles per retry, stays within [half, full] of its step and is capped', () => {
  const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000 };
  assert.equal(backoffDelay(1, policy, () => 0), 50);
  assert.equal(backoffDelay(1, policy, () => 1), 100);
  assert.equal(backoffDelay(3, policy, () => 1), 400);
  assert.equal(backoffDelay(10, policy, () => 1), 1000);
  for (let retry = 1; retry <= 8; retry += 1) {
    const delay = backoffDelay(retry, policy);
    const step = Math.min(1000, 100 * 2 ** (retry - 1));
    assert.ok(delay >= step / 2 && delay <= step, `${retry}: ${delay}`);
  }
});

test('a Retry-After is never undercut, gets a little jitter, and is capped', () => {
  const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxRetryAfterMs: 5000 };
  assert.equal(retryDelay(1, 2000, policy, () => 0), 2000);
  assert.ok(retryDelay(1, 2000, policy, () => 1) <= 2100);
  assert.equal(retryDelay(6, 60_000, policy, () => 0), 5000);
  assert.equal(retryDelay(1, undefined, policy, () => 1), 100);
});

test('a pause ends early, reporting it, when the run is interrupted', async () => {
  const controller = new AbortController();
  const started = performance.now();
  setTimeout(() => controller.abort(), 20);
  assert.equal(await pauseUnlessAborted(5000, controller.signal), false);
  assert.ok(performance.now() - started < 1000);
  assert.equal(await pauseUnlessAborted(5, new AbortController().signal), true);
});
