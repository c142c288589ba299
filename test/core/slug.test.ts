import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileNameSlug, idSlug } from '../../core/slug.js';

// Both spellings name things already on users' disks: these outputs must not change.
describe('slugs', () => {
  it('idSlug keeps case and dots, joins the rest with "-", and stops at 40 characters', () => {
    assert.equal(idSlug('Emu2-Chat v1.5'), 'Emu2-Chat-v1.5');
    assert.equal(idSlug('gpu-node-1:8000'), 'gpu-node-1-8000');
    assert.equal(idSlug('__x__'), 'x');
    assert.equal(idSlug('a'.repeat(50)), 'a'.repeat(40));
    assert.equal(idSlug('///'), '');
  });

  it('fileNameSlug lower-cases and keeps only letters and digits between "-"', () => {
    assert.equal(fileNameSlug('VQAv2'), 'vqav2');
    assert.equal(fileNameSlug('test-dev'), 'test-dev');
    assert.equal(fileNameSlug('4-shot RICES'), '4-shot-rices');
    assert.equal(fileNameSlug('Emu2 v1.5 (chat)'), 'emu2-v1-5-chat');
    assert.equal(fileNameSlug('***'), '');
  });
});
