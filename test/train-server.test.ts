// examples/train-server.ts as a user runs it (tsx, the built package): the HTTP API, the
// three modes training to the same loss, live predictions in worker mode, cancellation.
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const root = path.resolve(__dirname, '..');
let server: ChildProcess;
let base = '';

async function call(method: string, route: string): Promise<{ status: number; body: any }> {
  const res = await fetch(base + route, { method });
  return { status: res.status, body: await res.json() };
}

async function until<T>(fn: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 120_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = await fn();
    if (done(v)) return v;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out; last: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(!fs.existsSync(path.join(root, 'dist', 'index.js')))('examples/train-server.ts', () => {
  beforeAll(async () => {
    server = spawn(path.join(root, 'node_modules', '.bin', 'tsx'), ['examples/train-server.ts'], { cwd: root, env: { ...process.env, PORT: '0' } });
    const firstLine = await new Promise<string>((resolve, reject) => {
      let out = '';
      server.stdout!.on('data', (d) => {
        out += d;
        if (out.includes('\n')) resolve(out.split('\n')[0]);
      });
      server.on('exit', (code) => reject(new Error(`the server exited (${code})`)));
    });
    expect(firstLine).toMatch(/^listening on \d+$/);
    base = `http://127.0.0.1:${firstLine.split(' ')[2]}`;
  }, 120_000);

  afterAll(() => {
    server?.kill();
  });

  test('each mode trains the seeded model to the same loss', async () => {
    const losses: number[] = [];
    const cores = os.availableParallelism(); // every mode's default threads
    for (const mode of ['blocking', 'async', 'worker']) {
      expect(await call('POST', `/train?steps=20&mode=${mode}`)).toEqual({ status: 202, body: { state: 'training', mode, steps: 20, threads: cores } });
      const status = (await until(() => call('GET', '/status'), (r) => r.body.state !== 'training')).body;
      expect(status).toMatchObject({ state: 'done', step: 20, steps: 20 });
      expect(status.stepsPerSecond).toBeGreaterThan(0);
      losses.push(status.loss);
    }
    expect(losses[1]).toBe(losses[0]);
    expect(losses[2]).toBe(losses[0]);
    const { body } = await call('GET', '/predict');
    expect(body.probabilities).toHaveLength(10);
    expect(body.probabilities.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 5);
  });

  test('worker mode: predictions follow the live weights; cancel stops it', async () => {
    await call('POST', '/train?steps=1&mode=blocking'); // back to (almost) the initial weights
    await until(() => call('GET', '/status'), (r) => r.body.state === 'done');
    const before = JSON.stringify((await call('GET', '/predict')).body);
    expect((await call('POST', '/train?steps=1000000&mode=worker')).status).toBe(202);
    expect((await call('POST', '/train?steps=5&mode=async')).status).toBe(409);
    await until(() => call('GET', '/predict'), (r) => JSON.stringify(r.body) !== before);
    // The weights move before the first progress report reaches /status: wait for one.
    await until(() => call('GET', '/status'), (r) => r.body.step > 0);
    await call('POST', '/cancel');
    const status = (await until(() => call('GET', '/status'), (r) => r.body.state !== 'training')).body;
    expect(status.state).toBe('cancelled');
    expect(status.step).toBeGreaterThan(0);
    // Stopped: the weights (and so the predictions) no longer change.
    const after = JSON.stringify((await call('GET', '/predict')).body);
    await new Promise((r) => setTimeout(r, 100));
    expect(JSON.stringify((await call('GET', '/predict')).body)).toBe(after);
  });

  test('bad requests', async () => {
    expect(await call('POST', '/train?steps=0&mode=async')).toEqual({ status: 400, body: { error: 'steps must be a positive integer, got 0' } });
    expect(await call('POST', '/train?mode=fast')).toEqual({ status: 400, body: { error: 'mode must be one of async, worker, blocking, got fast' } });
    expect((await call('GET', '/nothing')).status).toBe(404);
  });
});
