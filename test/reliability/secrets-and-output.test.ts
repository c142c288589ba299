// Secrets and output safety: the API key reaches the server and nothing else (every file a run and
// its reports write is searched, as is everything printed); no subprocess is ever given a shell, and
// a video named like a shell command is just a file name; HTML and Markdown reports escape whatever a
// dataset or a model puts in them (question ids, question types, outputs, model and file names).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync, cpSync, appendFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { bundledDataDir, getTask } from '../../tasks/registry.js';
import { runCli } from '../helpers/cli.js';
import { startOpenAITestServer } from '../helpers/openai-test-server.js';
import { repositoryRoot, runCliProcess, scratchFolder } from './processes.js';

const injected: string[] = [];
after(() => {
  if (process.env.EMU_EVAL_RELIABILITY_LOG && injected.length > 0) appendFileSync(process.env.EMU_EVAL_RELIABILITY_LOG, `secrets-and-output: ${injected.join('; ')}\n`);
});

function filesUnder(...folders: string[]): string[] {
  const found: string[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) found.push(full);
    }
  };
  for (const folder of folders) if (existsSync(folder)) walk(folder);
  return found;
}

describe('the API key is never written anywhere', () => {
  it('a real CLI process with OPENAI_API_KEY set: no file of the run, the response cache, the reports or the output holds the key', { timeout: 90_000 }, async () => {
    const secretPart = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 12)}`;
    const secret = `sk-emu-eval-reliability-${secretPart}-never-write-me`;
    let call = 0;
    // Faults that tempt a client to write the key: a 400 whose message echoes the header (error sample),
    // a 500 echoing it until retries run out, an answer containing it. (An echo cut short: see the next test.)
    const server = await startOpenAITestServer({
      fault: () => {
        const index = call++;
        if (index % 7 === 1) return { kind: 'echo-authorization', status: 400 };
        if (index % 7 === 2) return { kind: 'echo-authorization', status: 500 };
        return undefined;
      },
      answer: (request) => (request.index % 7 === 4 ? `yes, ${request.authorization}` : 'yes'),
    });
    const started = Date.now() - 1000;
    const work = scratchFolder('emu-eval-secrets-');
    const out = path.join(work, 'runs');
    const env = { OPENAI_API_KEY: secret, EMU_EVAL_CACHE: path.join(work, 'cache'), TMPDIR: path.join(work, 'tmp'), HOME: path.join(work, 'home') };
    mkdirSync(env.TMPDIR, { recursive: true });
    mkdirSync(env.HOME, { recursive: true });
    try {
      const outputs: string[] = [];
      const args = ['run', 'vqav2', '--model', `openai:${server.url}`, '--out', out, '--run-id', 'secret', '--max-retries', '1', '--retry-delay', '5'];
      for (const extra of [[], ['--retry-errors'], ['--json']]) {
        const { code, stdout, stderr } = await runCliProcess([...args, ...extra], env);
        assert.equal(code, 0, stderr);
        outputs.push(stdout, stderr);
      }
      assert.ok(server.calls.length > 40 && server.calls.every((request) => request.authorization === `Bearer ${secret}`), 'the server got the key');
      const runDirectory = path.join(out, 'secret');
      const errors = readFileSync(path.join(runDirectory, 'samples.jsonl'), 'utf8').split('\n').filter((line) => line.includes('"finishReason":"error"'));
      assert.ok(errors.length > 0, 'some samples failed with the key echoed');
      // Reports and exports read what the run wrote: they must not find a key there either.
      for (const report of [
        ['report', runDirectory, '--out', path.join(work, 'report.html'), '--params', '7B'],
        ['report', runDirectory, '--format', 'md', '--out', path.join(work, 'report.md')],
        ['leaderboard', runDirectory, '--out', path.join(work, 'leaderboard.csv')],
        ['compare', runDirectory, runDirectory, '--out', path.join(work, 'compare.html')],
      ]) {
        const { code, stdout, stderr } = await runCliProcess(report, env);
        assert.equal(code, 0, `${report.join(' ')}: ${stderr}`);
        outputs.push(stdout, stderr);
      }
      const written = filesUnder(work);
      assert.ok(written.some((file) => file.startsWith(path.join(work, 'cache', 'responses'))), 'the response cache was written under $EMU_EVAL_CACHE');
      // Files written in the repository by the run (a cache not redirected, a log) would be recent.
      const repositoryFiles = filesUnder(path.join(repositoryRoot, '.cache'), path.join(repositoryRoot, 'runs')).filter((file) => statSync(file).mtimeMs >= started);
      const windows = pieces(secretPart);
      for (const file of [...written, ...repositoryFiles]) {
        const text = readFileSync(file).toString('latin1');
        assert.ok(!text.includes(secretPart), `the key leaked into ${file}`);
        for (const window of windows) assert.ok(!text.includes(window), `part of the key (${window}) leaked into ${file}`);
      }
      for (const text of outputs) assert.ok(!text.includes(secretPart), `the key was printed: ${text.slice(0, 200)}`);
      injected.push(`${written.length} files written by 3 runs and 4 reports searched for the key (and every 8-character piece of it), plus ${repositoryFiles.length} recent files in the repository; 3 kinds of key echo injected by the server`);
    } finally {
      await server.close();
    }
  });

  it('a server that echoes the key cut short (a gateway\'s "invalid key sk-proj-abc123...") does not leak the part it echoed', async () => {
    const secretPart = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 12)}`;
    const variable = 'EMU_EVAL_RELIABILITY_TRUNCATED_KEY';
    process.env[variable] = `sk-emu-eval-reliability-${secretPart}-never-write-me`;
    const server = await startOpenAITestServer({ fault: (request) => ({ kind: 'status', status: 400, message: `invalid key ${request.authorization?.slice(0, 40)}...` }) });
    try {
      const out = scratchFolder('emu-eval-truncated-key-');
      const { code, stdout, stderr } = await runCli(['run', 'vqav2', '--limit', '2', '--model', `openai:${server.url}`, '--api-key-env', variable, '--no-cache', '--out', out]);
      // Both samples fail with the same error: the run stops (exit 1), and the echo reaches stderr and run.json redacted.
      assert.equal(code, 1, stderr);
      assert.match(stderr, /invalid key Bearer \[redacted\]/);
      for (const file of filesUnder(out)) for (const piece of pieces(secretPart)) assert.ok(!readFileSync(file, 'utf8').includes(piece), `part of the key (${piece}) leaked into ${file}`);
      for (const piece of pieces(secretPart)) assert.ok(!stdout.includes(piece) && !stderr.includes(piece));
    } finally {
      delete process.env[variable];
      await server.close();
    }
  });
});

/** Every 8-character piece of a secret: a leak need not be the whole of it. */
function pieces(secret: string): string[] {
  return Array.from({ length: secret.length - 7 }, (_, start) => secret.slice(start, start + 8));
}

describe('subprocesses never get a shell', () => {
  const sourceFolders = ['bin', 'cli', 'core', 'evals', 'reports', 'runners', 'tasks', 'bench', 'test/helpers'];

  it('no source file uses exec/execSync, shell: true, or spawns a shell binary', () => {
    const offenders: string[] = [];
    let spawning = 0;
    for (const file of filesUnder(...sourceFolders.map((folder) => path.join(repositoryRoot, folder)))) {
      if (!/\.(ts|js|mjs|cjs)$/.test(file) || file.includes(`${path.sep}samples${path.sep}data${path.sep}`)) continue;
      const text = readFileSync(file, 'utf8');
      const usesChildProcess = /(['"])(node:)?child_process\1/.test(text);
      if (usesChildProcess) spawning += 1;
      const checks: Array<[RegExp, string]> = [
        [/\bshell\s*:\s*(true|['"`])/, 'shell option'],
        [/\b(spawn|spawnSync|execFile|execFileSync)\(\s*['"`](\/bin\/|\/usr\/bin\/)?(sh|bash|zsh|dash|cmd(\.exe)?|powershell)['"`]/, 'spawns a shell'],
        [/['"`](-c|\/c)['"`]\s*,/, 'passes a command string to -c'],
      ];
      if (usesChildProcess) {
        checks.push([/import\s*\{[^}]*\bexec(Sync)?\b[^}]*\}\s*from\s*['"](node:)?child_process['"]/, 'imports exec/execSync']);
        checks.push([/child_process['"]\)?\s*\)?\.exec(Sync)?\b|\bchildProcess\.exec(Sync)?\(/, 'calls exec/execSync']);
      }
      for (const [pattern, what] of checks) if (pattern.test(text)) offenders.push(`${path.relative(repositoryRoot, file)}: ${what}`);
    }
    assert.deepEqual(offenders, []);
    assert.ok(spawning >= 5, `the scan saw the files that do spawn (${spawning})`);
  });

  it('a video whose name is a shell command is only a file name to ffprobe and ffmpeg', { timeout: 60_000 }, async () => {
    const data = scratchFolder('emu-eval-shell-names-');
    cpSync(bundledDataDir(getTask('msvd-qa')), data, { recursive: true });
    const cwd = scratchFolder('emu-eval-shell-cwd-');
    const mappingFile = path.join(data, 'youtube_mapping.txt');
    const lines = readFileSync(mappingFile, 'utf8').trim().split('\n');
    const clips = path.join(data, 'YouTubeClips');
    const hostile = ['$(touch${IFS}PWNED1)', '`touch${IFS}PWNED2`;touch${IFS}PWNED3', '-version', "'|touch${IFS}PWNED4|'"];
    const present = new Set(readdirSync(clips).map((name) => name.replace(/\.avi$/, '')));
    const used = lines.map((line) => line.split(/\s+/)).filter(([clip]) => present.has(clip!)).slice(0, hostile.length);
    assert.equal(used.length, hostile.length);
    const renamed = new Map<string, string>();
    used.forEach(([clip, video], index) => {
      renameSync(path.join(clips, `${clip}.avi`), path.join(clips, `${hostile[index]}.avi`));
      renamed.set(clip!, hostile[index]!);
      assert.ok(video);
    });
    writeFileSync(mappingFile, `${lines.map((line) => { const [clip, video] = line.split(/\s+/); return `${renamed.get(clip!) ?? clip} ${video}`; }).join('\n')}\n`);
    const predictions = path.join(cwd, 'gold.json');
    const questions = JSON.parse(readFileSync(path.join(data, 'test_qa.json'), 'utf8')) as Array<{ id: number; answer: string; video_id: number }>;
    writeFileSync(predictions, JSON.stringify(questions.map((question) => ({ question_id: question.id, answer: question.answer }))));
    const env = { EMU_EVAL_CACHE: path.join(cwd, 'cache') };
    const { code, stdout, stderr } = await runCliProcess(['run', 'msvd-qa', '--data', data, '--model', `replay:${predictions}`, '--extraction', 'raw', '--frames', '2', '--out', path.join(cwd, 'runs'), '--json', '--quiet'], env, cwd);
    assert.equal(code, 0, stderr);
    const records = readFileSync(path.join(JSON.parse(stdout).runDirectory, 'samples.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { finishReason: string; error?: string; meta: { videoId?: string } });
    const onHostile = records.filter((record) => hostile.includes(String(record.meta.videoId)));
    assert.ok(onHostile.length >= hostile.length, JSON.stringify(records.map((record) => record.meta.videoId)));
    for (const record of onHostile) assert.equal(record.finishReason, 'stop', `${record.meta.videoId}: ${record.error}`);
    for (const folder of [cwd, data, clips, repositoryRoot]) {
      assert.deepEqual(readdirSync(folder).filter((name) => name.startsWith('PWNED')), [], `nothing executed in ${folder}`);
    }
    injected.push(`${hostile.length} videos named as shell commands or ffmpeg options decoded as plain files`);
  });
});

/** Tags and attributes an attacker could use: any tag outside the report's own vocabulary, any on* handler, javascript: URLs. */
function unsafeMarkup(html: string): string[] {
  const allowed = new Set(['!doctype', 'html', 'head', 'meta', 'title', 'style', 'body', 'h1', 'h2', 'h3', 'h4', 'p', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'ul', 'li', 'div', 'strong', 'small', 'span', 'pre', 'figure', 'img', 'figcaption', 'section', 'code', 'em', 'br', 'details', 'summary', 'b', 'i']);
  const problems: string[] = [];
  for (const match of html.matchAll(/<\/?([!a-zA-Z][\w-]*)([^>]*)>/g)) {
    const [tag, name, attributes] = match;
    if (!allowed.has(name!.toLowerCase())) problems.push(tag);
    if (/\son\w+\s*=/i.test(attributes!) || /javascript:/i.test(attributes!)) problems.push(tag);
    if (name!.toLowerCase() === 'img' && !/^\s*alt="[^"]*"\s+src="data:image\/png;base64,[A-Za-z0-9+/=]+"\s*$/.test(attributes!)) problems.push(tag);
  }
  return problems;
}

describe('reports escape what datasets and models put in them', () => {
  it('hostile GQA question ids, question types and texts, model outputs, file and label names: HTML has no markup of theirs, Markdown no raw HTML', { timeout: 90_000 }, async () => {
    const work = scratchFolder('emu-eval-hostile-report-');
    const data = path.join(work, 'gqa');
    cpSync(bundledDataDir(getTask('gqa')), data, { recursive: true });
    const file = path.join(data, 'testdev_balanced_questions.json');
    const original = JSON.parse(readFileSync(file, 'utf8')) as Record<string, { question: string; answer: string; types?: { detailed: string } }>;
    const hostileIds = ['<img src=x onerror=alert(1)>', '"><script>alert(2)</script>', "' onmouseover='alert(3)' x='", '</pre></td></tr></table><iframe src=javascript:alert(4)>'];
    const entries = Object.entries(original).map(([id, entry], index) => {
      const hostile = hostileIds[index];
      return [hostile ?? id, { ...entry, question: `${entry.question} <b onclick=alert(5)>`, ...(entry.types ? { types: { ...entry.types, detailed: '<script>alert(6)</script>' } } : {}) }] as const;
    });
    writeFileSync(file, JSON.stringify(Object.fromEntries(entries)));
    const gold = entries.map(([id, entry]) => ({ question_id: id, answer: entry.answer }));
    const baseline = path.join(work, 'baseline.json');
    writeFileSync(baseline, JSON.stringify(gold));
    // The candidate gets the hostile questions wrong, with hostile outputs, from a file with a hostile name.
    const candidate = path.join(work, '<svg onload=alert(7)>.json');
    writeFileSync(candidate, JSON.stringify(gold.map((entry, index) => (index < hostileIds.length ? { ...entry, answer: `<script>alert(${8 + index})</script>` } : entry))));
    const run = async (model: string, id: string) => {
      const result = await runCli(['run', 'gqa', '--data', data, '--model', `replay:${model}`, '--extraction', 'raw', '--out', work, '--run-id', id, '--json', '--quiet']);
      assert.equal(result.code, 0, result.stderr);
      return JSON.parse(result.stdout).runDirectory as string;
    };
    const [base, cand] = [await run(baseline, 'base'), await run(candidate, 'cand')];
    const reports: Array<[string[], string]> = [
      [['compare', base, cand, '--out', path.join(work, 'compare.html')], 'compare.html'],
      [['compare', base, cand, '--out', path.join(work, 'compare.md')], 'compare.md'],
      [['report', base, cand, '--params', '7B', '--label', '<script>alert(12)</script>', '--out', path.join(work, 'report.html')], 'report.html'],
      [['report', base, cand, '--label', '<script>alert(13)</script>', '--format', 'md', '--out', path.join(work, 'report.md')], 'report.md'],
    ];
    for (const [args, name] of reports) {
      const result = await runCli(args);
      assert.ok(result.code === 0 || result.code === 3, `${args.join(' ')}: ${result.stderr}`);
      const text = readFileSync(path.join(work, name), 'utf8');
      if (name.endsWith('.html')) assert.deepEqual(unsafeMarkup(text), [], name);
      else assert.doesNotMatch(text, /<(script|img|iframe|svg|b)\b/i, name);
    }
    const compareHtml = readFileSync(path.join(work, 'compare.html'), 'utf8');
    assert.ok(compareHtml.includes('&lt;img src=x onerror=alert(1)&gt;'), 'the hostile question id is shown, escaped');
    assert.ok(compareHtml.includes('&lt;script&gt;alert(8)&lt;/script&gt;'), 'the hostile output is shown, escaped');
    const reportHtml = readFileSync(path.join(work, 'report.html'), 'utf8');
    assert.ok(reportHtml.includes('&lt;svg onload=alert(7)&gt;') || reportHtml.includes('&lt;script&gt;alert(12)&lt;/script&gt;'), 'the model and label names are shown, escaped');
    injected.push(`${hostileIds.length + 4} hostile strings (question ids, question types, question texts, outputs, a predictions file name, labels) through 2 HTML and 2 Markdown reports`);
  });
});
