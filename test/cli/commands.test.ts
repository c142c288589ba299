import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commandEntries } from '../../cli/commands.js';
import type { CommandIO } from '../../cli/io.js';
import { main } from '../../cli/main.js';

// main() loads only the command it runs; --help and "did you mean" work from the table alone, so
// the table must list every command exactly as its module declares it.

function captureIO(): CommandIO & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, interactive: false, stdout: (text) => out.push(text), stderr: (text) => err.push(text) };
}

describe('lazily loaded commands', () => {
  for (const [name, entry] of Object.entries(commandEntries)) {
    it(`${name}: the module declares the command the table lists`, async () => {
      const module = await entry.load(captureIO(), () => {});
      assert.equal(module.command, entry.command);
      assert.equal(module.describe, entry.describe);
      assert.equal(typeof module.handler, 'function');
    });
  }

  it('top-level --help lists every command without loading any', async () => {
    const io = captureIO();
    assert.equal(await main(['--help'], io), 0);
    const help = io.out.join('');
    for (const entry of Object.values(commandEntries)) assert.ok(help.includes(`emu-eval ${entry.command}`), entry.command);
  });

  it('a command\'s own --help shows its options; a misspelt command gets a suggestion and exit 2', async () => {
    const io = captureIO();
    assert.equal(await main(['run', '--help'], io), 0);
    assert.match(io.out.join(''), /--frame-sampler/);
    const typo = captureIO();
    assert.equal(await main(['rn', 'vqav2'], typo), 2);
    assert.match(typo.err.join(''), /Did you mean run\?/);
  });
});
