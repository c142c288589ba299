// readGitHead must name the commit `git rev-parse HEAD` names, in every layout it answers for: a branch
// with a loose ref, packed refs, a detached HEAD, a linked worktree; and give up (undefined) elsewhere.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { readGitHead } from '../../artifact/git-head.js';

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8' }).trim();
}

test('readGitHead names the commit git rev-parse HEAD names, or nothing', () => {
  const repository = mkdtempSync(path.join(tmpdir(), 'emu-eval-git-'));
  assert.equal(readGitHead(repository), undefined, 'not a repository');
  git(repository, 'init', '-q');
  assert.equal(readGitHead(repository), undefined, 'no commit yet');
  writeFileSync(path.join(repository, 'a.txt'), 'a');
  git(repository, 'add', 'a.txt');
  git(repository, 'commit', '-qm', 'first');
  const expected = () => git(repository, 'rev-parse', 'HEAD');
  assert.equal(readGitHead(repository), expected(), 'a branch, loose ref');
  git(repository, 'pack-refs', '--all');
  assert.equal(readGitHead(repository), expected(), 'packed refs');
  writeFileSync(path.join(repository, 'a.txt'), 'b');
  git(repository, 'commit', '-qam', 'second');
  assert.equal(readGitHead(repository), expected(), 'a loose ref beside packed ones');
  git(repository, 'checkout', '-q', '--detach', 'HEAD~1');
  assert.equal(readGitHead(repository), expected(), 'detached HEAD');
  git(repository, 'checkout', '-q', 'main');
  const worktree = path.join(mkdtempSync(path.join(tmpdir(), 'emu-eval-git-')), 'linked');
  git(repository, 'worktree', 'add', '-q', '-b', 'side', worktree);
  assert.equal(readGitHead(worktree), git(worktree, 'rev-parse', 'HEAD'), 'a linked worktree');
  git(worktree, 'commit', '-q', '--allow-empty', '-m', 'on side');
  assert.equal(readGitHead(worktree), git(worktree, 'rev-parse', 'HEAD'), 'a linked worktree’s own branch');
});
