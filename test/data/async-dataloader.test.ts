// `for await` over a DataLoader: the same batches and the same training as the
// synchronous loop, with turns of the event loop in between.
import * as net from 'net';
import { describe, expect, test } from 'vitest';
import * as tg from '../../lib/index';

const { TensorDataset, DataLoader } = tg.data;

async function collect<B>(loader: AsyncIterable<B>): Promise<B[]> {
  const out: B[] = [];
  for await (const batch of loader) out.push(batch);
  return out;
}

/** Two epochs of SGD on a shuffled loader, seeded; the weights after each step. */
async function train(iterate: (loader: tg.data.DataLoader, step: (b: tg.Tensor[]) => void) => Promise<void>): Promise<number[][]> {
  tg.manualSeed(11);
  const x = tg.randn(40, 3);
  const y = x.matmul(tg.tensor([[1], [-2], [0.5]])).add(0.1);
  const model = new tg.nn.Linear(3, 1);
  const opt = new tg.optim.SGD(model.parameters(), { lr: 0.05 });
  const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 6, shuffle: true, yieldEveryMs: 0 });
  const trace: number[][] = [];
  const step = ([xb, yb]: tg.Tensor[]) => {
    opt.zeroGrad();
    tg.nn.functional.mseLoss(model.forward(xb), yb).backward();
    opt.step();
    trace.push([...(model.weight.toTypedArray() as Float32Array), model.bias!.item()]);
  };
  for (let epoch = 0; epoch < 2; ++epoch) await iterate(loader, step);
  return trace;
}

describe('DataLoader async iteration', () => {
  test('gives the batches of the synchronous iteration, shuffled epochs included', async () => {
    const loader = new DataLoader(new TensorDataset(tg.arange(10), tg.arange(10, 20)), { batchSize: 3, shuffle: true });
    const rows = (batches: tg.Tensor[][]) => batches.map((b) => b.map((t) => t.tolist()));
    tg.manualSeed(3);
    const sync = [rows([...loader]), rows([...loader])];
    tg.manualSeed(3);
    const asynchronous = [rows(await collect(loader)), rows(await collect(loader))];
    expect(asynchronous).toEqual(sync);
    expect(sync[0]).not.toEqual(sync[1]); // two different shuffles, so the comparison means something
    // ...and the global generator is left in the same state.
    tg.manualSeed(3);
    [...loader];
    const after = tg.rand(2).tolist();
    tg.manualSeed(3);
    await collect(loader);
    expect(tg.rand(2).tolist()).toEqual(after);
  });

  test('a training loop reaches the same weights, step by step', async () => {
    const sync = await train(async (loader, step) => {
      for (const batch of loader) step(batch);
    });
    const asynchronous = await train(async (loader, step) => {
      for await (const batch of loader) step(batch);
    });
    expect(sync).toHaveLength(2 * 7);
    expect(asynchronous).toEqual(sync);
  });

  test('yields to the event loop once yieldEveryMs has passed, not before', async () => {
    const dataset = new TensorDataset(tg.arange(8));
    // Budget 0: a macrotask (setImmediate) queued before the loop runs before the first batch.
    let ran = false;
    setImmediate(() => (ran = true));
    const seen: boolean[] = [];
    for await (const _ of new DataLoader(dataset, { batchSize: 2, yieldEveryMs: 0 })) seen.push(ran);
    expect(seen).toEqual([true, true, true, true]);
    // A budget far above the loop's duration: no turn for the time budget's sake.
    let ticks = 0;
    const timer = setInterval(() => ++ticks, 0);
    await new Promise((r) => setTimeout(r, 5));
    const before = ticks;
    for await (const _ of new DataLoader(dataset, { batchSize: 2, yieldEveryMs: 60_000 })) {
      const t0 = performance.now();
      while (performance.now() - t0 < 2); // a 2 ms step
    }
    expect(ticks - before).toBeLessThanOrEqual(2); // a yield every step would give 4
    // A 5 ms budget over 2 ms steps: timers get a turn every few steps.
    for await (const _ of new DataLoader(new TensorDataset(tg.arange(40)), { batchSize: 2, yieldEveryMs: 5 })) {
      const t0 = performance.now();
      while (performance.now() - t0 < 2);
    }
    clearInterval(timer);
    // 20 steps of 2 ms = 40 ms with a yield before every third step: 6 turns (4 leaves slack).
    expect(ticks - before).toBeGreaterThanOrEqual(4);
  });

  /** The step (of 20 steps of 2 ms, budget 60 s) at which a TCP round trip inside this
   * process completed: the client writes, the server (this thread's event loop) answers,
   * the client reads the answer; each hop needs a loop turn. */
  async function roundTripStep(yieldOnIO?: boolean): Promise<number> {
    const server = net.createServer((socket) => socket.on('data', () => socket.write('pong')));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const accepted = new Promise((r) => server.once('connection', r));
    const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
    await new Promise((r) => client.once('connect', r));
    await accepted;
    let answeredAtStep = -1;
    let step = 0;
    client.once('data', () => (answeredAtStep = step));
    client.write('ping'); // in the server's socket buffer now: I/O waiting
    for await (const _ of new DataLoader(new TensorDataset(tg.arange(40)), { batchSize: 2, yieldEveryMs: 60_000, yieldOnIO })) {
      const t0 = performance.now();
      while (performance.now() - t0 < 2); // a 2 ms step
      ++step;
    }
    await new Promise((r) => setTimeout(r, 20)); // the answer, if the loop did not let it through
    client.destroy();
    server.close();
    return answeredAtStep;
  }

  // Linux/macOS: Windows has no pollable I/O readiness (the time budget still applies).
  test.skipIf(process.platform === 'win32')('with yieldOnIO a request waiting on a socket is answered within a step or two, long before the budget', async () => {
    const step = await roundTripStep(true);
    expect(step).toBeGreaterThanOrEqual(0);
    expect(step).toBeLessThanOrEqual(2);
  });

  test('without yieldOnIO (the default) a waiting request waits for the budget', async () => {
    expect(await roundTripStep()).toBe(20); // answered once the loop ended
    expect(await roundTripStep(false)).toBe(20);
  });

  test('yieldEveryMs is checked', () => {
    const dataset = new TensorDataset(tg.arange(4));
    expect(() => new DataLoader(dataset, { yieldEveryMs: -1 })).toThrow('DataLoader: yieldEveryMs must be a number >= 0, got -1');
    expect(() => new DataLoader(dataset, { yieldEveryMs: NaN })).toThrow('DataLoader: yieldEveryMs must be a number >= 0, got NaN');
    expect(() => new DataLoader(dataset, { yieldOnIO: 1 as never })).toThrow(/DataLoader: yieldOnIO/);
  });
});
