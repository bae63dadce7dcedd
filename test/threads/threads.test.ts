// tg.threads: shared memory across worker threads, tensors through postMessage, jobs
// with a thread budget, progress and cancellation.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { MessageChannel, receiveMessageOnPort } from 'worker_threads';
import { afterEach, describe, expect, test } from 'vitest';
import * as tg from '../../lib/index';
import { makeModel, train } from './jobs/mlp';
import type echo from './jobs/echo';
import type identity from './jobs/identity';
import type trainJob from './jobs/train';
import type write from './jobs/write';

const job = (name: string) => path.join(__dirname, 'jobs', `${name}.ts`);

/** A message's trip through a real structured clone (a MessageChannel), encoded and decoded. */
function postAndReceive(value: unknown): unknown {
  const { port1, port2 } = new MessageChannel();
  const transfer: ArrayBuffer[] = [];
  port1.postMessage(tg.threads.encode(value, transfer), transfer);
  const received = receiveMessageOnPort(port2)!.message;
  port1.close();
  return tg.threads.decode(received);
}

function layout(t: tg.Tensor) {
  return { dtype: t.dtype, shape: [...t.shape], strides: t.stride(), values: t.tolist() };
}

// Tensors of every dtype and the layouts a view can have.
function samples(): Record<string, tg.Tensor> {
  const m = tg.arange(24, { dtype: 'float64' }).reshape([2, 3, 4]);
  return {
    contiguous: tg.tensor([[1.5, -2], [3, 4]]),
    permuted: m.permute([2, 0, 1]), // strides [1, 12, 4]
    offsetView: tg.arange(30, { dtype: 'int32' }).reshape([5, 6]).narrow(0, 2, 2).select(1, 3), // offset 15, stride [6]
    broadcast: tg.tensor([true, false, true]).unsqueeze(0).expand(4, 3), // strides [0, 1]
    scalar: tg.tensor(7.25),
    empty: tg.zeros(0, 3),
  };
}

afterEach(() => tg.threads.setThreadBudget(require('os').availableParallelism()));

describe('tensors through postMessage', () => {
  test('keep dtype, shape, strides and values; arrive as leaves without grad', () => {
    const input = samples();
    const back = postAndReceive({ ...input, nested: [input.permuted, { deep: input.scalar }], n: 3 }) as Record<string, unknown>;
    for (const [k, t] of Object.entries(input)) expect(layout(back[k] as tg.Tensor), k).toEqual(layout(t));
    expect((back.permuted as tg.Tensor).stride()).toEqual([1, 12, 4]);
    expect((back.offsetView as tg.Tensor).tolist()).toEqual([15, 21]);
    expect((back.broadcast as tg.Tensor).stride()).toEqual([0, 1]);
    expect(layout((back.nested as [tg.Tensor, { deep: tg.Tensor }])[1].deep)).toEqual(layout(input.scalar));
    expect(back.n).toBe(3);
    const p = new tg.nn.Parameter(tg.ones(2));
    const q = postAndReceive(p) as tg.Tensor;
    expect([q instanceof tg.Tensor, q instanceof tg.nn.Parameter, q.requiresGrad, q.isLeaf]).toEqual([true, false, false, true]);
  });

  test('a non-shared tensor arrives as a copy, a shared one on the same memory', () => {
    const own = tg.zeros(3);
    const shared = tg.zeros(2, 3).shareMemory_();
    const [ownBack, sharedBack] = postAndReceive([own, shared.t()]) as tg.Tensor[];
    tg.noGrad(() => {
      ownBack.fill_(5);
      sharedBack.fill_(2); // through a transposed view
    });
    expect(own.tolist()).toEqual([0, 0, 0]);
    expect(shared.tolist()).toEqual([[2, 2, 2], [2, 2, 2]]);
    expect([ownBack.isShared(), sharedBack.isShared()]).toEqual([false, true]);
    expect(own.tolist()).toEqual([0, 0, 0]); // the sender's memory is not detached
  });

  test('through a worker and back', async () => {
    const input = samples();
    const { back, seen } = await tg.threads.run<typeof echo>(job('echo'), input);
    for (const [k, t] of Object.entries(input)) {
      expect({ ...seen[k] }, k).toEqual({ ...layout(t), shared: false, requiresGrad: false });
      expect(layout(back[k]), k).toEqual(layout(t));
    }
  });
});

describe('shared memory', () => {
  test('shareMemory_ moves the storage in place: views follow, values stay', () => {
    const base = tg.arange(6).reshape([2, 3]);
    const view = base.select(0, 1);
    expect(base.isShared()).toBe(false);
    expect(base.shareMemory_()).toBe(base);
    expect([base.isShared(), view.isShared()]).toEqual([true, true]);
    tg.noGrad(() => view.fill_(9));
    expect(base.tolist()).toEqual([[0, 1, 2], [9, 9, 9]]);
    // Native kernels read and write shared memory (a big enough tensor to skip the JS kernels).
    const big = tg.ones(300, 300).shareMemory_();
    expect(big.matmul(big).sum().item()).toBe(300 * 300 * 300);
    tg.noGrad(() => big.mul_(2));
    expect(big.sum().item()).toBe(2 * 300 * 300);
  });

  test('Module.shareMemory shares parameters, their grads and buffers', () => {
    const model = makeModel(1);
    model.registerBuffer('steps', tg.zeros(1));
    train(model, 1, 1);
    model.shareMemory();
    expect(model.parameters().every((p) => p.isShared() && p.grad!.isShared())).toBe(true);
    expect(model.buffers()[0].isShared()).toBe(true);
  });

  test('loadStateDict with assign takes the tensors\' memory instead of copying', () => {
    const model = new tg.nn.Linear(2, 1);
    const weight = tg.tensor([[1, 2]]);
    const bias = tg.tensor([3]);
    const parameter = model.weight;
    model.loadStateDict({ weight, bias }, { assign: true });
    tg.noGrad(() => weight.fill_(5));
    expect(model.weight).toBe(parameter); // the same Parameter (optimizers keep working)...
    expect([model.weight.tolist(), model.weight.requiresGrad]).toEqual([[[5, 5]], true]); // ...on the given memory
    expect(() => model.loadStateDict({ weight: tg.zeros(1, 2, { dtype: 'float64' }), bias }, { assign: true })).toThrow(
      'dtype mismatch for weight: assigning a torch.float64 tensor to a torch.float32 one (assign shares memory, it cannot cast).',
    );
  });

  test("a worker's writes are read on the main thread, and the main thread's in the worker", async () => {
    const w = tg.tensor([[1, 2, 3], [4, 5, 6]]).shareMemory_();
    const { before } = await tg.threads.run<typeof write>(job('write'), { w, scale: 0.5 });
    expect(before).toEqual([1, 2, 3, 4, 5, 6]);
    expect(w.tolist()).toEqual([[0, 0.5, 1], [1.5, 2, 2.5]]);
  });

  test('a worker trains the shared weights of a model on the main thread (Hogwild)', async () => {
    const model = makeModel(5).shareMemory();
    const reference = makeModel(5);
    const expected = train(reference, 5, 20);
    const { losses } = await tg.threads.run<typeof trainJob>(job('train'), { seed: 5, steps: 20, weights: model.stateDict() });
    expect(losses).toEqual(expected);
    for (const [name, p] of model.namedParameters()) {
      expect(p.tolist(), name).toEqual(reference.stateDict()[name].tolist());
    }
  });
});

describe('threads.run', () => {
  test('four concurrent jobs on a budget of two threads run two at a time, each with its seeded losses', async () => {
    tg.threads.setThreadBudget(2);
    const seeds = [1, 2, 3, 4];
    const threads = tg.getNumThreads();
    tg.setNumThreads(1);
    const expected = seeds.map((seed) => train(makeModel(seed), seed, 15));
    tg.setNumThreads(threads);
    let maxThreadsInUse = 0;
    const jobs = seeds.map((seed) =>
      tg.threads.run<typeof trainJob>(job('train'), { seed, steps: 15 }, { onProgress: () => (maxThreadsInUse = Math.max(maxThreadsInUse, tg.threads.stats().threadsInUse)) }),
    );
    expect(tg.threads.stats()).toEqual({ running: 2, waiting: 2, threadsInUse: 2, budget: 2 });
    const results = await Promise.all(jobs);
    expect(results.map((r) => r.losses)).toEqual(expected);
    expect(results.map((r) => r.numThreads)).toEqual([1, 1, 1, 1]);
    expect(maxThreadsInUse).toBe(2);
    expect(tg.threads.stats()).toEqual({ running: 0, waiting: 0, threadsInUse: 0, budget: 2 });
  });

  test('progress reports carry step, loss and elapsed time', async () => {
    const reports: tg.threads.JobProgress[] = [];
    const { losses } = await tg.threads.run<typeof trainJob>(job('train'), { seed: 3, steps: 5 }, { onProgress: (p) => reports.push(p), numThreads: 1 });
    expect(reports.map((r) => r.step)).toEqual([1, 2, 3, 4, 5]);
    expect(reports.map((r) => r.loss)).toEqual(losses);
    expect(reports.every((r, i) => r.elapsedMs >= 0 && (i === 0 || r.elapsedMs >= reports[i - 1].elapsedMs))).toBe(true);
  });

  test('progressIntervalMs thins the reports out; the last one always arrives', async () => {
    const reports: tg.threads.JobProgress[] = [];
    // 30 steps of >= 2 ms (60 ms or more), at most one report per 25 ms.
    const { losses } = await tg.threads.run<typeof trainJob>(
      job('train'),
      { seed: 3, steps: 30, stepDelayMs: 2 },
      { onProgress: (p) => reports.push(p), progressIntervalMs: 25 },
    );
    const steps = reports.map((r) => r.step);
    expect(steps[0]).toBe(1); // the first report goes out at once
    expect(steps[steps.length - 1]).toBe(30);
    expect(reports.length).toBeLessThan(30 / 2);
    expect(steps.every((s, i) => i === 0 || s > steps[i - 1])).toBe(true);
    expect(reports.map((r) => r.loss)).toEqual(steps.map((s) => losses[s - 1])); // each report is its step's
    // Sent ones are >= 25 ms apart (the job's own clock; the last one may come sooner).
    const gaps = reports.slice(1, -1).map((r, i) => r.elapsedMs - reports[i].elapsedMs);
    expect(gaps.every((g) => g >= 25)).toBe(true);
    expect(() => tg.threads.run(job('echo'), {}, { progressIntervalMs: -1 })).toThrow('threads.run: progressIntervalMs must be a number >= 0, got -1');
  });

  test.runIf(process.platform === 'linux')('priority lowers the job thread\'s priority and its threads\' (Linux: per thread), not the caller\'s', async () => {
    const mine = (await import('os')).getPriority();
    const [OTHER, IDLE] = [0, 5]; // SCHED_OTHER, SCHED_IDLE (linux/sched.h)
    const at = (nice: number, policy: number) => ({ job: { nice, policy }, child: { nice, policy } });
    await expect(tg.threads.run(job('priority'), null, { priority: 10 })).resolves.toEqual(at(10, OTHER));
    await expect(tg.threads.run(job('priority'), null)).resolves.toEqual(at(mine, OTHER));
    await expect(tg.threads.run(job('priority'), null, { priority: 'idle' })).resolves.toEqual(at(mine, IDLE));
    expect((await import('os')).getPriority()).toBe(mine);
    expect(() => tg.threads.run(job('echo'), {}, { priority: 20 })).toThrow("threads.run: priority must be an integer nice value from -20 to 19 or 'idle', got 20");
  });

  test.runIf(process.platform === 'linux')('helperPriority sets the job\'s native helper threads\' priority, restarting them when it changes', async () => {
    tg.threads.setThreadBudget(2);
    const [OTHER, IDLE] = [0, 5]; // SCHED_OTHER, SCHED_IDLE (linux/sched.h)
    // One kept worker (the same priority) takes all four jobs; each reports the helpers started during it.
    const run = (helperPriority?: number | 'idle') =>
      tg.threads.run(job('helper-priority'), null, { numThreads: 2, priority: 10, helperPriority, keepAliveMs: 60_000 });
    await expect(run('idle')).resolves.toEqual([{ nice: 10, policy: IDLE }]);
    await expect(run(15)).resolves.toEqual([{ nice: 15, policy: OTHER }]);
    await expect(run()).resolves.toEqual([{ nice: 10, policy: OTHER }]); // the job thread's
    await expect(run()).resolves.toEqual([]); // unchanged: the same helper
    expect(() => tg.threads.run(job('echo'), {}, { priority: 10, helperPriority: 5 })).toThrow(
      "threads.run: helperPriority must be 'idle' or an integer nice value from the job's priority (10) to 19, got 5",
    );
    expect(() => tg.threads.run(job('echo'), {}, { priority: 'idle', helperPriority: 19 })).toThrow(
      "threads.run: helperPriority must be 'idle' or an integer nice value from the job's priority (idle) to 19, got 19",
    );
  });

  test('a cancelled job ends, frees its worker and leaves the shared weights valid', async () => {
    const model = makeModel(7).shareMemory();
    const controller = new AbortController();
    let lastStep = 0;
    const running = tg.threads.run<typeof trainJob>(
      job('train'),
      { seed: 7, steps: 100_000, weights: model.stateDict(), stepDelayMs: 2 },
      {
        signal: controller.signal,
        onProgress: ({ step }) => {
          lastStep = step;
          if (step === 5) controller.abort();
        },
      },
    );
    await expect(running).rejects.toMatchObject({ name: 'AbortError' });
    expect(lastStep).toBeGreaterThanOrEqual(5);
    expect(lastStep).toBeLessThan(100); // stopped at its next progress() call, not after a long grace
    expect(tg.threads.stats()).toMatchObject({ running: 0, threadsInUse: 0 });
    // The weights are finite, no longer written, and still a working model.
    const snapshot = model.parameters().map((p) => p.tolist());
    expect(model.parameters().every((p) => (p.toTypedArray() as Float32Array).every(Number.isFinite))).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    expect(model.parameters().map((p) => p.tolist())).toEqual(snapshot);
    expect((model.forward(tg.zeros(1, 20)) as tg.Tensor).shape).toEqual([1, 4]);
    // ...and the budget takes the next job at once.
    await expect(tg.threads.run<typeof trainJob>(job('train'), { seed: 7, steps: 1 })).resolves.toMatchObject({ numThreads: 1 });
  });

  test('a job that ignores its signal is terminated after abortGraceMs', async () => {
    const controller = new AbortController();
    const running = tg.threads.run(job('spin'), null, { signal: controller.signal, abortGraceMs: 50 });
    await new Promise((r) => setTimeout(r, 100));
    expect(tg.threads.stats().running).toBe(1);
    controller.abort();
    await expect(running).rejects.toMatchObject({ name: 'AbortError' });
    expect(tg.threads.stats()).toMatchObject({ running: 0, threadsInUse: 0 });
  });

  test('a job already cancelled, or cancelled while waiting, never starts', async () => {
    await expect(tg.threads.run(job('echo'), {}, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    tg.threads.setThreadBudget(1);
    const first = tg.threads.run<typeof trainJob>(job('train'), { seed: 1, steps: 2 });
    const controller = new AbortController();
    const second = tg.threads.run(job('echo'), {}, { signal: controller.signal });
    expect(tg.threads.stats().waiting).toBe(1);
    controller.abort();
    await expect(second).rejects.toMatchObject({ name: 'AbortError' });
    expect(tg.threads.stats().waiting).toBe(0);
    await first;
  });

  test('a finished job\'s worker takes the next job of its priority (warm code, its modules kept), for keepAliveMs', async () => {
    const first = await tg.threads.run<typeof identity>(job('identity'), null, { priority: 1 });
    const second = await tg.threads.run<typeof identity>(job('identity'), null, { priority: 1 });
    expect(second).toEqual({ threadId: first.threadId, jobs: first.jobs + 1 });
    // Another priority: another worker. keepAliveMs 0: the worker ends with its job.
    const other = await tg.threads.run<typeof identity>(job('identity'), null, { priority: 2, keepAliveMs: 0 });
    expect(other.jobs).toBe(1);
    expect(other.threadId).not.toBe(first.threadId);
    const afterOther = await tg.threads.run<typeof identity>(job('identity'), null, { priority: 2, keepAliveMs: 20 });
    expect(afterOther.threadId).not.toBe(other.threadId);
    // Past keepAliveMs the worker is gone.
    await new Promise((r) => setTimeout(r, 200));
    expect((await tg.threads.run<typeof identity>(job('identity'), null, { priority: 2 })).threadId).not.toBe(afterOther.threadId);
    // Infinity keeps it for good (a timer would read Infinity as 1 ms and end it at once).
    const kept = await tg.threads.run<typeof identity>(job('identity'), null, { priority: 4, keepAliveMs: Infinity });
    await new Promise((r) => setTimeout(r, 200));
    expect(await tg.threads.run<typeof identity>(job('identity'), null, { priority: 4, keepAliveMs: 0 })).toEqual({ threadId: kept.threadId, jobs: 2 });
    // A job that failed leaves its worker fit for the next; a cancelled one does not.
    await expect(tg.threads.run(job('write'), { w: tg.zeros(2), scale: 'x' }, { priority: 3 })).rejects.toThrow(/mul/);
    const afterError = await tg.threads.run<typeof identity>(job('identity'), null, { priority: 3 });
    expect(await tg.threads.run<typeof identity>(job('identity'), null, { priority: 3 })).toEqual({ threadId: afterError.threadId, jobs: 2 });
    const controller = new AbortController();
    const cancelled = tg.threads.run<typeof trainJob>(job('train'), { seed: 1, steps: 100_000, stepDelayMs: 2 }, {
      priority: 3,
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    await expect(cancelled).rejects.toMatchObject({ name: 'AbortError' });
    expect((await tg.threads.run<typeof identity>(job('identity'), null, { priority: 3 })).jobs).toBe(1);
    expect(() => tg.threads.run(job('echo'), {}, { keepAliveMs: -1 })).toThrow('threads.run: keepAliveMs must be a number >= 0, got -1');
  });

  const dist = path.resolve(__dirname, '..', '..', 'dist', 'index.js');
  test.skipIf(!fs.existsSync(dist))('a kept-alive idle worker does not keep the process alive', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-keepalive-'));
    const jobFile = path.join(dir, 'job.js');
    fs.writeFileSync(jobFile, 'module.exports = async (n) => n + 1;');
    const started = Date.now();
    const out = execFileSync(process.execPath, ['-e', `require(${JSON.stringify(dist)}).threads.run(${JSON.stringify(jobFile)}, 41, { keepAliveMs: Infinity }).then(console.log)`], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(out.trim()).toBe('42');
    expect(Date.now() - started).toBeLessThan(20_000); // the worker, kept for good, does not hold the process
    fs.rmSync(dir, { recursive: true });
  });

  test('errors: in the job, in the module, in the arguments', async () => {
    await expect(tg.threads.run(job('write'), { w: tg.zeros(2), scale: 'x' })).rejects.toThrow(/mul/);
    expect(() => tg.threads.run(job('missing'), {})).toThrow(`threads.run: job module ${job('missing')} does not exist`);
    await expect(tg.threads.run(job('mlp'), {})).rejects.toThrow(/must export one function .* it exports 2 functions/);
    expect(() => tg.threads.run(job('echo'), {}, { numThreads: 64 })).toThrow(/threads.run: numThreads 64 exceeds the thread budget of \d+/);
    expect(() => tg.threads.run(job('echo'), {}, { numThreads: 0 })).toThrow('threads.run: numThreads must be >= 1, got 0');
    expect(() => tg.threads.run(42 as unknown as string, {})).toThrow('threads.run: job must be a URL or a path of a module, got 42');
  });
});
