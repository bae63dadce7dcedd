// tg.async: the ops' results, exactly as the synchronous API's, computed off the event loop.
import * as path from 'path';
import { describe, expect, test } from 'vitest';
import * as tg from '../lib/index';

/** Same dtype, shape and bytes (a byte comparison: deep-equal of millions of numbers is slow). */
const same = (a: tg.Tensor, b: tg.Tensor) => {
  expect([a.dtype, a.shape]).toEqual([b.dtype, b.shape]);
  const [x, y] = [a.toTypedArray(), b.toTypedArray()].map((t) => Buffer.from(t.buffer, t.byteOffset, t.byteLength));
  expect(x.equals(y)).toBe(true);
};

describe('tg.async', () => {
  test('each op gives the synchronous result, at every size (tiny ones skip the JS kernels)', async () => {
    tg.manualSeed(0);
    for (const [m, k, n] of [[2, 3, 2], [70, 300, 90]]) {
      const a = tg.randn(m, k);
      const b = tg.randn(k, n).t().contiguous().t(); // a transposed operand
      same(await tg.async.matmul(a, b), a.matmul(b));
      same(await tg.async.sum(a), a.sum());
      same(await tg.async.sum(a, 1, true), a.sum(1, true));
      same(await tg.async.mean(a, [0]), a.mean([0])); // a sum, then a division by a scalar
      same(await tg.async.amax(a, 0), a.amax(0));
      same(await tg.async.amin(a), a.amin());
      same(await tg.async.softmax(a, 1), a.softmax(1));
      same(await tg.async.logSoftmax(a, 0), a.logSoftmax(0));
    }
    // Batched matmul over shared memory, with a transposed (non-contiguous) operand.
    const x = tg.randn(3, 40, 50).shareMemory_();
    const w = tg.randn(30, 50).t();
    same(await tg.async.matmul(x, w), x.matmul(w));
  });

  test('the event loop runs while a long matmul computes', async () => {
    tg.manualSeed(1);
    const a = tg.randn(1536, 1536);
    let ticks = 0;
    const timer = setInterval(() => ++ticks, 1);
    const result = await tg.async.matmul(a, a);
    clearInterval(timer);
    // ~7 GFLOP, tens of ms at the least: 1 ms timers fire meanwhile (none would during the
    // synchronous call).
    expect(ticks).toBeGreaterThanOrEqual(3);
    same(result, a.matmul(a));
  });

  test('concurrent async ops and synchronous ops meanwhile', async () => {
    tg.manualSeed(2);
    const xs = [0, 1, 2, 3].map(() => tg.randn(200, 200));
    const pending = xs.map((x) => tg.async.matmul(x, x));
    const sync = xs.map((x) => x.matmul(x)); // while the pool is busy: one thread, same numbers
    (await Promise.all(pending)).forEach((r, i) => same(r, sync[i]));
  });

  test('autograd records the op as the synchronous one does', async () => {
    const a = tg.tensor([[1, 2], [3, 4]], { requiresGrad: true });
    const y = await tg.async.sum(await tg.async.matmul(a, a));
    y.backward();
    // L = Σ_ijk a_ik a_kj, so dL/da_pq = Σ_j a_qj + Σ_i a_ip = rowSum_q + colSum_p, with
    // row sums [3, 7] and column sums [4, 6]: [[3+4, 7+4], [3+6, 7+6]].
    expect(a.grad!.tolist()).toEqual([[3 + 4, 7 + 4], [3 + 6, 7 + 6]]);
  });

  test('bad arguments reject with the synchronous error; nothing stays recorded', async () => {
    const a = tg.ones(2, 3);
    await expect(tg.async.matmul(a, a)).rejects.toThrow('matmul: shapes [2, 3] and [2, 3] cannot be multiplied (3 != 2)');
    await expect(tg.async.sum(a, 5)).rejects.toThrow(/Dimension out of range/);
    // The next ops run normally, synchronous and asynchronous.
    expect(a.sum().item()).toBe(6);
    expect((await tg.async.sum(a)).item()).toBe(6);
  });

  test('a worker that ends with async ops in flight is torn down cleanly', async () => {
    const job = path.join(__dirname, 'threads', 'jobs', 'async-leftover.ts');
    for (let i = 0; i < 3; ++i) await expect(tg.threads.run(job, null, { keepAliveMs: 0 })).resolves.toBe('started');
    expect((await tg.async.sum(tg.ones(10))).item()).toBe(10); // and this process is fine
  });
});
