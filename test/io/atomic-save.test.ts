// Saves are atomic (issue 13, item 1): a save killed at any moment, or one that runs out
// of space, leaves the previous checkpoint or the new one, never a torn file. The saves
// run in child processes (test/helpers/save-worker.ts), killed with SIGKILL or limited by
// `ulimit -f` (bash).
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { afterAll, describe, expect, test } from 'vitest';
import * as tg from '../../lib/index';
import { buildChild } from '../helpers/child-build';

const worker = buildChild(path.join(__dirname, '..', 'helpers', 'save-worker.ts'));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-atomic-'));
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.rmSync(worker.dir, { recursive: true, force: true });
});

/** The step of the checkpoint at `file`, after checking that every value in it is that
 * step (a torn or mixed file fails here or in load). */
function checkpointStep(file: string): number {
  const c = tg.load<{ model: { w: tg.Tensor; b: tg.Tensor }; step: number }>(file);
  const w = c.model.w.typedArray();
  expect(w.every((v) => v === c.step)).toBe(true);
  expect(c.model.b.tolist()).toEqual([c.step, c.step, c.step]);
  return c.step;
}

function npyStep(file: string): number {
  const w = tg.loadNpy(file).typedArray() as Float32Array | Float64Array;
  expect(w.every((v) => v === w[0])).toBe(true);
  return w[0];
}

function saveOnce(file: string, numel: number, step: number, limitKB?: number): ReturnType<typeof spawnSync> {
  const args = [...worker.args, 'once', file, String(numel), String(step)];
  const options = { encoding: 'utf8', env: worker.env } as const;
  if (limitKB === undefined) return spawnSync(process.execPath, args, options);
  return spawnSync('bash', ['-c', `ulimit -f ${limitKB}; exec "$0" "$@"`, process.execPath, ...args], options);
}

/** Runs the worker's save loop and SIGKILLs it `delayMs` after it is ready. */
function killMidSave(file: string, numel: number, delayMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...worker.args, 'loop', file, String(numel)], { stdio: ['ignore', 'pipe', 'inherit'], env: worker.env });
    child.stdout.once('data', () => setTimeout(() => child.kill('SIGKILL'), delayMs));
    child.on('error', reject);
    child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`worker exited with ${code}`))));
  });
}

describe('atomic saves', () => {
  test('a save killed by SIGKILL at random moments always leaves a whole checkpoint', async () => {
    const numel = 1 << 20; // 4 MB of float32: each save takes a while
    const lanes = 3; // children run side by side, each saving its own file
    const trialsPerLane = 8; // every trial checks the checkpoint: 24 in all
    const interruptedPerLane = 2; // and so many must have landed inside a save...
    const maxTrialsPerLane = 24; // ...trying more (a slow, loaded or sanitized run) up to this
    let interrupted = 0; // trials whose kill landed inside a save (a temporary file left behind)
    const lane = async (n: number): Promise<void> => {
      const file = path.join(tmp, `killed${n}.safetensors`);
      expect(saveOnce(file, numel, 0).stdout).toBe('saved\n');
      let laneInterrupted = 0;
      for (let trial = 0; trial < maxTrialsPerLane && (trial < trialsPerLane || laneInterrupted < interruptedPerLane); ++trial) {
        await killMidSave(file, numel, Math.random() * 400);
        const leftovers = fs.readdirSync(tmp).filter((f) => f.startsWith(`killed${n}.`) && f.includes('.tmp-'));
        if (leftovers.length) ++laneInterrupted;
        for (const f of leftovers) fs.rmSync(path.join(tmp, f));
        checkpointStep(file);
        if (fs.existsSync(`${file}.npy`)) npyStep(`${file}.npy`);
      }
      interrupted += laneInterrupted;
    };
    await Promise.all(Array.from({ length: lanes }, (_, n) => lane(n)));
    // The test can fail only if kills land inside saves.
    expect(interrupted).toBeGreaterThanOrEqual(lanes * interruptedPerLane);
  }, 600_000);

  test('a save into a size-limited file (ulimit -f) fails clearly and keeps the previous checkpoint', () => {
    const file = path.join(tmp, 'limited.safetensors');
    expect(saveOnce(file, 1000, 7).stdout).toBe('saved\n');
    const run = saveOnce(file, 1 << 20, 8, 256); // 4 MB into a 256 KB limit
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/save: cannot write ".*limited\.safetensors": EFBIG: file too large/);
    expect(checkpointStep(file)).toBe(7);
    expect(fs.readdirSync(tmp).filter((f) => f.startsWith('limited') && f.includes('.tmp-'))).toEqual([]);
  }, 60_000);

  test('saveAsync and loadAsync write and read the same format as save and load', async () => {
    const file = path.join(tmp, 'async.safetensors');
    const obj = { w: tg.tensor([[1.5, -2], [3, 4]]), epoch: 3, names: ['a', null] };
    await tg.saveAsync(obj, file);
    const sync = tg.load<typeof obj>(file);
    expect([sync.w.tolist(), sync.epoch, sync.names]).toEqual([[[1.5, -2], [3, 4]], 3, ['a', null]]);
    tg.save(obj, `${file}.2`);
    expect(fs.readFileSync(file).equals(fs.readFileSync(`${file}.2`))).toBe(true);
    const back = await tg.loadAsync<typeof obj>(`${file}.2`);
    expect(back.w.tolist()).toEqual([[1.5, -2], [3, 4]]);
    await tg.saveNpyAsync(obj.w, `${file}.npy`);
    expect((await tg.loadNpyAsync(`${file}.npy`)).tolist()).toEqual([[1.5, -2], [3, 4]]);
    await expect(tg.loadAsync(path.join(tmp, 'missing'))).rejects.toThrow('loadAsync: cannot read');
    await expect(tg.saveAsync({ w: obj.w }, path.join(tmp, 'no', 'dir'))).rejects.toThrow('saveAsync: cannot write');
    await expect(tg.loadNpyAsync(file)).rejects.toThrow('loadNpyAsync: ');
  });

  test('a save replaces the file a symlink points to and keeps its permissions', () => {
    const real = path.join(tmp, 'real.safetensors');
    const link = path.join(tmp, 'link.safetensors');
    tg.save({ x: tg.ones(1) }, real);
    fs.chmodSync(real, 0o600);
    fs.symlinkSync(real, link);
    tg.save({ x: tg.zeros(2) }, link);
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(tg.load(real).x.tolist()).toEqual([0, 0]);
    expect(fs.statSync(real).mode & 0o777).toBe(0o600);
  });
});
