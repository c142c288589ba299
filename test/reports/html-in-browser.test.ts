// The HTML report as a reader sees it: opened in headless Chromium, it logs no console error or
// exception, every chart is a loaded image with a non-zero size, and a screenshot is kept for a look.
// Skipped, saying so, where Chromium is absent (Debian: apt-get install chromium; or set CHROMIUM to
// a Chrome/Chromium binary). Driven over the DevTools protocol with undici's WebSocket: no browser
// automation package to install.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { WebSocket } from 'undici';
import { runCli, temporaryFolder } from '../helpers/cli.js';
import { replayRun } from './helpers.js';

function findChromium(): string | undefined {
  const candidates = [process.env.CHROMIUM, 'chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'].filter((name): name is string => Boolean(name));
  for (const name of candidates) {
    if (path.isAbsolute(name)) return name;
    const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
    if (found.status === 0 && found.stdout.trim()) return found.stdout.trim();
  }
  return undefined;
}

const chromium = findChromium();

/** Starts headless Chromium on a free DevTools port and resolves to its port once it listens. */
function launch(binary: string, profile: string): Promise<{ browser: ChildProcess; port: number }> {
  const browser = spawn(binary, ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--remote-debugging-port=0', `--user-data-dir=${profile}`, '--window-size=1280,2000', 'about:blank'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => reject(new Error(`Chromium did not start:\n${log}`)), 8000);
    browser.stderr!.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      const match = /DevTools listening on ws:\/\/[^:]+:(\d+)\//.exec(log);
      if (match) {
        clearTimeout(timer);
        resolve({ browser, port: Number(match[1]) });
      }
    });
    browser.on('exit', (code) => reject(new Error(`Chromium exited with ${code}:\n${log}`)));
  });
}

/** A minimal DevTools protocol client: numbered commands, and every event to one listener. */
async function connect(url: string, onEvent: (method: string, params: Record<string, unknown>) => void) {
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => {
    socket.addEventListener('open', resolve, { once: true });
    socket.addEventListener('error', reject, { once: true });
  });
  let next = 0;
  const pending = new Map<number, { resolve: (value: Record<string, unknown>) => void; reject: (error: Error) => void }>();
  socket.addEventListener('message', (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; method?: string; params?: Record<string, unknown>; result?: Record<string, unknown>; error?: { message: string } };
    if (message.id === undefined) return onEvent(message.method!, message.params ?? {});
    const waiter = pending.get(message.id);
    pending.delete(message.id);
    if (message.error) waiter?.reject(new Error(message.error.message));
    else waiter?.resolve(message.result ?? {});
  });
  const send = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      next += 1;
      pending.set(next, { resolve, reject });
      socket.send(JSON.stringify({ id: next, method, params }));
    });
  return { send, close: () => socket.close() };
}

test('the HTML report renders in Chromium: no console errors, every chart visible, a screenshot', { skip: chromium ? false : 'Chromium not found (apt-get install chromium, or set CHROMIUM=/path/to/chrome)', timeout: 30_000 }, async (t) => {
  const out = temporaryFolder();
  const run = await replayRun(out, 'vqav2', { wrongEvery: 3 });
  const file = path.join(out, 'report.html');
  const report = await runCli(['report', run, '--params', '37B', '--out', file, '--quiet']);
  assert.equal(report.code, 0, report.stderr);

  const profile = path.join(out, 'chromium-profile');
  const { browser, port } = await launch(chromium!, profile);
  try {
    const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as Array<{ type: string; webSocketDebuggerUrl: string }>;
    const page = targets.find((target) => target.type === 'page')!;
    const problems: string[] = [];
    let loaded: () => void = () => {};
    const load = new Promise<void>((resolve) => (loaded = resolve));
    const devtools = await connect(page.webSocketDebuggerUrl, (method, params) => {
      if (method === 'Page.loadEventFired') loaded();
      if (method === 'Runtime.exceptionThrown') problems.push(`exception: ${JSON.stringify(params.exceptionDetails)}`);
      if (method === 'Runtime.consoleAPICalled' && (params.type === 'error' || params.type === 'assert')) problems.push(`console.${params.type}: ${JSON.stringify(params.args)}`);
      // Failed loads (a chart that is not embedded, a blocked resource) arrive as log entries.
      if (method === 'Log.entryAdded') {
        const entry = params.entry as { level: string; text: string; url?: string };
        if (entry.level === 'error') problems.push(`log: ${entry.text} ${entry.url ?? ''}`);
      }
    });
    try {
      await Promise.all([devtools.send('Page.enable'), devtools.send('Runtime.enable'), devtools.send('Log.enable')]);
      await devtools.send('Page.navigate', { url: pathToFileURL(file).href });
      await load;
      const { result } = (await devtools.send('Runtime.evaluate', {
        returnByValue: true,
        expression: `[...document.querySelectorAll('canvas, img')].map((element) => {
          const box = element.getBoundingClientRect();
          return { tag: element.tagName, alt: element.alt ?? '', width: box.width, height: box.height, decoded: element.tagName === 'IMG' ? element.complete && element.naturalWidth > 0 : true };
        })`,
      })) as { result: { value: Array<{ tag: string; alt: string; width: number; height: number; decoded: boolean }> } };
      const charts = result.value;
      assert.ok(charts.length >= 1, 'the report has charts');
      for (const chart of charts) assert.ok(chart.decoded && chart.width > 0 && chart.height > 0, `chart "${chart.alt}" is not visible: ${JSON.stringify(chart)}`);
      const { data } = (await devtools.send('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true })) as { data: string };
      const screenshot = path.join(temporaryFolder('emu-eval-report-screenshot-'), 'report.png');
      writeFileSync(screenshot, Buffer.from(data, 'base64'));
      assert.deepEqual(problems, []);
      t.diagnostic(`screenshot: ${screenshot}`);
    } finally {
      devtools.close();
    }
  } finally {
    browser.kill();
    await new Promise((resolve) => (browser.exitCode !== null ? resolve(undefined) : browser.once('exit', resolve)));
    // Chromium's helper processes may still be flushing the profile for a moment after the browser exits.
    rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  }
});
