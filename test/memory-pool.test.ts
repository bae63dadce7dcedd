// The tensor memory pool (binding/pool/pool.cpp, lib/memory-pool.ts): storages over the
// slab limit reuse native blocks. A block may be reused only when nothing in JS can reach
// its memory; these tests keep a reference of each kind, churn the pool with garbage
// collections in between, and check that the memory kept its values (and that blocks were
// in fact reused meanwhile, so that the check could fail).
import * as path from 'path';
import * as v8 from 'v8';
import * as vm from 'vm';
import { Worker } from 'worker_threads';
import { describe, expect, test } from 'vitest';
import * as tg from '../lib';
import { memoryPool } from '../lib/memory-pool';
import { Storage } from '../lib/storage';
import { float32 } from '../lib/dtype';
import { packagedAddon, packageRoot } from '../lib/native/binding';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

const SIDE = 128; // 128x128 float32: 64 KiB, over the 32 KiB slab limit
const enabled = process.env.TENSORGRAD_MEMORY_POOL !== '0';

/** A SIDE x SIDE tensor whose elements are `value`. */
const filled = (value: number) => tg.full([SIDE, SIDE], value);

/** Allocates and drops same-sized tensors of value -1 with collections in between; returns
 * how many blocks the pool reused meanwhile. */
function churn(rounds = 20): number {
  const before = tg.memoryPoolStats()!.reused;
  for (let r = 0; r < rounds; ++r) {
    for (let i = 0; i < 20; ++i) filled(-1);
    gc();
  }
  return tg.memoryPoolStats()!.reused - before;
}

describe.skipIf(!enabled)('memory pool', () => {
  test('is loaded (built beside the addon)', () => {
    expect(memoryPool).not.toBeNull();
    expect(tg.memoryPoolStats()).toMatchObject({ limit: expect.any(Number), created: expect.any(Number) });
  });

  test('memory held through t.data, a view, or a buffer sharing storage is never reused', () => {
    let t: tg.Tensor | null = filled(3);
    const data = t.typedArray<Float32Array>(); // a typed array the user keeps
    const view = t.narrow(0, 1, 2); // rows 1..2 (shares the storage)
    const buffer = filled(5).typedArray<Float32Array>().buffer; // only the ArrayBuffer
    t = null;
    expect(churn()).toBeGreaterThan(100);
    expect(data.every((v) => v === 3)).toBe(true);
    expect(view.typedArray<Float32Array>().every((v) => v === 3)).toBe(true);
    expect(new Float32Array(buffer).every((v) => v === 5)).toBe(true);
  });

  test('reused blocks are zeroed for zeros() and poisoned for uninitialized outputs', async () => {
    churn(2); // the free list now holds blocks full of -1 ...
    // ... once V8's deleters have run: on its sweeper threads, after gc() returns (under the
    // sanitizers one run found two of the three blocks back).
    for (let i = 0; i < 200 && tg.memoryPoolStats()!.freeBytes < 3 * SIDE * SIDE * 4; ++i) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      gc();
    }
    const before = tg.memoryPoolStats()!.reused;
    const z = tg.zeros([SIDE, SIDE]);
    expect(tg.memoryPoolStats()!.reused).toBe(before + 1);
    expect(z.typedArray<Float32Array>().every((v) => v === 0)).toBe(true);
    expect(tg.empty([SIDE, SIDE]).typedArray<Float32Array>().every((v) => v === 0)).toBe(true); // zeroed here too
    // vitest.config.ts sets TENSORGRAD_POISON_OUTPUTS=1: an op's output starts as 0xff bytes.
    const output = Storage.allocate(float32, SIDE * SIDE, true);
    expect(tg.memoryPoolStats()!.reused).toBe(before + 3);
    expect((output.view(0, SIDE * SIDE) as Float32Array).every((v) => Number.isNaN(v))).toBe(true);
  });

  test('a pooled buffer transferred within the thread keeps its memory', () => {
    const t = filled(7);
    const buffer = t.typedArray<Float32Array>().buffer as ArrayBuffer;
    const moved = structuredClone(buffer, { transfer: [buffer] });
    expect(t._storage.lost).toBe(true); // detached here
    expect(churn()).toBeGreaterThan(100);
    expect(new Float32Array(moved).every((v) => v === 7)).toBe(true);
  });

  test('a pooled buffer transferred to a worker is not reused under it', async () => {
    const t = filled(9);
    const buffer = t.typedArray<Float32Array>().buffer as ArrayBuffer;
    // The worker waits until told, then sums what it received.
    const worker = new Worker(
      `const { parentPort } = require('worker_threads');
       let data;
       parentPort.on('message', (m) => {
         if (m instanceof ArrayBuffer) { data = new Float32Array(m); parentPort.postMessage('got'); }
         else { parentPort.postMessage(data.reduce((a, b) => a + b, 0)); process.exit(0); }
       });`,
      { eval: true },
    );
    const next = () => new Promise((resolve) => worker.once('message', resolve));
    worker.postMessage(buffer, [buffer]);
    expect(await next()).toBe('got');
    expect(churn()).toBeGreaterThan(100);
    worker.postMessage('sum');
    expect(await next()).toBe(9 * SIDE * SIDE);
  });

  test('each worker has its own pool, and ending one with live blocks is clean', async () => {
    const file = process.env.TENSORGRAD_ADDON
      ? path.join(path.dirname(process.env.TENSORGRAD_ADDON), 'tensorgrad_pool.node')
      : packagedAddon(packageRoot(), 'tensorgrad_pool');
    const mainCreated = tg.memoryPoolStats()!.created;
    const worker = new Worker(
      `const { parentPort, workerData } = require('worker_threads');
       const pool = require(workerData);
       const kept = [];
       for (let i = 0; i < 50; ++i) kept.push(pool.allocate(100000, 0));
       parentPort.postMessage(pool.stats());`,
      { eval: true, workerData: file },
    );
    const stats = await new Promise<tg.MemoryPoolStats>((resolve) => worker.once('message', resolve));
    expect(stats.created).toBe(50);
    expect(stats.liveBlocks).toBe(50);
    await new Promise((resolve) => worker.once('exit', resolve));
    expect(tg.memoryPoolStats()!.created).toBe(mainCreated); // the worker's blocks were its own
  });

  test('free blocks are bounded by the limit; V8 is told the footprint, not each buffer', () => {
    churn(2);
    const external = tg.memoryPoolStats()!.v8ExternalBytes;
    // 2000 buffers of 16 KiB come and go: without the pool V8 would have counted 32 MB.
    expect(churn(100)).toBeGreaterThan(1900);
    expect(Math.abs(tg.memoryPoolStats()!.v8ExternalBytes - external)).toBeLessThan(4 << 20);

    tg.setMemoryPoolLimit(SIDE * SIDE * 4 * 3); // three blocks
    const released = tg.memoryPoolStats()!.released;
    churn(2);
    const stats = tg.memoryPoolStats()!;
    expect(stats.freeBytes).toBeLessThanOrEqual(SIDE * SIDE * 4 * 3);
    expect(stats.released).toBeGreaterThan(released);
    tg.setMemoryPoolLimit(256 << 20);
  });

  test('a bad limit is a RangeError naming the function', () => {
    expect(() => tg.setMemoryPoolLimit(-1)).toThrow(/setMemoryPoolLimit: expected a whole number of bytes >= 0, got -1/);
  });
});
