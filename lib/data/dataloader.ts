// DataLoader: iterates a dataset in batches (`for (const [x, y] of loader)`). Full-batch,
// stochastic and mini-batch gradient descent differ only in batchSize. `for await` gives
// the same batches and lets the event loop run between them (a training loop inside a
// server keeps answering requests).
import { setImmediate as nextMacrotask } from 'timers/promises';
import { Tensor } from '../tensor';
import { checkBool, checkInt, fmtValue, opError, opRangeError, opTypeError } from '../check';
import { tensor } from '../ops/creation';
import { stack } from '../ops/indexing';
import { randperm } from '../ops/random';
import { Generator, random64 } from '../random';
import { eventLoopHasIO } from '../native/kernels';
import type { BatchDataset, Dataset } from './dataset';

/** What defaultCollate makes of samples of type T: tensors and numbers stacked into one
 * tensor with a leading batch dim, arrays and records collated element by element. */
export type Collated<T> = T extends Tensor | number
  ? Tensor
  : T extends readonly unknown[]
    ? { [K in keyof T]: Collated<T[K]> }
    : T extends object
      ? { [K in keyof T]: Collated<T[K]> }
      : never;

/** Stacks a list of samples into a batch (PyTorch's default_collate). JS numbers become a
 * float32 tensor, as tg.tensor makes them (PyTorch: float64 / int64). */
export function defaultCollate<T>(samples: T[]): Collated<T> {
  const first = samples[0] as unknown;
  if (first instanceof Tensor) return stack(samples as unknown as Tensor[]) as Collated<T>;
  if (typeof first === 'number') return tensor(samples as unknown as number[]) as Collated<T>;
  if (Array.isArray(first)) {
    return first.map((_, i) => defaultCollate(samples.map((s) => (s as unknown as unknown[])[i]))) as unknown as Collated<T>;
  }
  if (first !== null && typeof first === 'object' && Object.getPrototypeOf(first) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(first)) out[key] = defaultCollate(samples.map((s) => (s as Record<string, unknown>)[key]));
    return out as Collated<T>;
  }
  throw opTypeError('defaultCollate', `samples must be Tensors, numbers, arrays or plain objects of them, got ${fmtValue(first)}`);
}

/** DataLoader's options (PyTorch's batch_size, shuffle, drop_last, generator, sampler, collate_fn). */
export interface DataLoaderOptions<T, B> {
  /** Samples per batch (default 1). */
  batchSize?: number;
  /** Visit the samples in a new random order every epoch. */
  shuffle?: boolean;
  /** Drop the last batch when it is smaller than batchSize. */
  dropLast?: boolean;
  /** The generator that shuffling draws from (default: the global one, tg.manualSeed's). */
  generator?: Generator | null;
  /** The order of sample indices (instead of shuffle), iterated anew each epoch; its
   * `length`, when it has one, counts the batches (as a DistributedSampler's does). */
  sampler?: Iterable<number>;
  /** Makes a batch from a list of samples (default: defaultCollate). */
  collateFn?: (samples: T[]) => B;
  /** `for await` only: before each batch, yield to the event loop if this many
   * milliseconds have passed since the last yield (default 4; 0 yields before every batch). */
  yieldEveryMs?: number;
  /** `for await` only: also yield at once when I/O (a request, a worker's message) waits
   * on the event loop, and again while more keeps arriving, for at most yieldEveryMs.
   * Requests wait about one step instead of up to yieldEveryMs, for some of the training's
   * throughput: in `npm run bench:server` p99 3–4 ms against about 9, and 0.88–0.89× of a
   * blocking loop's steps/s against 0.89–0.92× (default false). */
  yieldOnIO?: boolean;
}

const DEFAULT_YIELD_EVERY_MS = 4;

/** Iterates a dataset in batches, `for (const [x, y] of loader)` or `for await`
 * (torch.utils.data.DataLoader); with the default collate a TensorDataset gives tensors of
 * shape [batchSize, ...]. */
export class DataLoader<T = Tensor[], B = Collated<T>> implements Iterable<B>, AsyncIterable<B> {
  /** The dataset the batches come from. */
  readonly dataset: Dataset<T>;
  /** Samples per batch. */
  readonly batchSize: number;
  /** Whether the last, smaller batch is dropped. */
  readonly dropLast: boolean;
  /** Whether every epoch visits the samples in a new random order. */
  readonly shuffle: boolean;
  /** The generator shuffling draws from (null: the global one). */
  readonly generator: Generator | null;
  /** `for await` only: the milliseconds after which the loop yields to the event loop before
   * the next batch. */
  readonly yieldEveryMs: number;
  /** `for await` only: whether waiting I/O makes the loop yield at once. */
  readonly yieldOnIO: boolean;
  private readonly sampler: Iterable<number> | null;
  private readonly collateFn: ((samples: T[]) => B) | null;

  constructor(dataset: Dataset<T>, options: DataLoaderOptions<T, B> = {}) {
    const op = 'DataLoader';
    if (dataset === null || typeof dataset !== 'object' || typeof dataset.get !== 'function' || !Number.isInteger(dataset.length)) {
      throw opTypeError(op, `dataset must have a length and get(index), got ${fmtValue(dataset)}`);
    }
    // PyTorch: "__len__() should return >= 0"
    if (dataset.length < 0) throw opRangeError(op, `the dataset's length should be >= 0, got ${dataset.length}`);
    this.dataset = dataset;
    this.batchSize = checkInt(op, 'batchSize', options.batchSize ?? 1, 1);
    this.dropLast = checkBool(op, 'dropLast', options.dropLast ?? false);
    this.shuffle = checkBool(op, 'shuffle', options.shuffle ?? false);
    if (options.sampler != null && typeof (options.sampler as Partial<Iterable<number>>)[Symbol.iterator] !== 'function') {
      throw opTypeError(op, `sampler must be an iterable of sample indices (such as a DistributedSampler), got ${fmtValue(options.sampler)}`);
    }
    if (this.shuffle && options.sampler) throw opError(op, 'sampler option is mutually exclusive with shuffle');
    if (options.generator != null && !(options.generator instanceof Generator)) {
      throw opTypeError(op, `generator must be a tg.Generator, got ${fmtValue(options.generator)}`);
    }
    this.generator = options.generator ?? null;
    this.sampler = options.sampler ?? null;
    this.collateFn = options.collateFn ?? null;
    const yieldEveryMs = options.yieldEveryMs ?? DEFAULT_YIELD_EVERY_MS;
    if (typeof yieldEveryMs !== 'number' || !(yieldEveryMs >= 0)) {
      throw opTypeError(op, `yieldEveryMs must be a number >= 0, got ${fmtValue(options.yieldEveryMs)}`);
    }
    this.yieldEveryMs = yieldEveryMs;
    this.yieldOnIO = checkBool(op, 'yieldOnIO', options.yieldOnIO ?? false);
  }

  /** The number of batches per epoch. */
  get length(): number {
    const sampled = (this.sampler as { length?: unknown } | null)?.length;
    const n = typeof sampled === 'number' ? sampled : this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** One epoch. As in PyTorch, starting it draws a 64-bit base seed (meant for worker
   * processes) from the generator, shuffled or not, and a shuffled epoch draws its order
   * when its first batch is fetched: a new generator seeded from the global one (or the
   * loader's generator itself) runs randperm. Seeded runs thus match PyTorch's batches. */
  [Symbol.iterator](): Iterator<B> {
    random64(this.generator ?? undefined);
    return this.batches();
  }

  /** One epoch for `for await`: the same batches as the synchronous iteration (it draws
   * from the generators when called, as [Symbol.iterator] does), with yields to the event
   * loop (macrotask turns: timers, I/O and requests run) before a batch when yieldEveryMs
   * have passed since the last yield, and with yieldOnIO also when I/O waits on the loop
   * (a request, a worker's message), yielding again while I/O keeps arriving (the next
   * request of a keep-alive connection, say) for at most yieldEveryMs. The loop body
   * counts: with one `await` per step, a timer or request waits at most one step past the
   * budget (with yieldOnIO, a request about one step). */
  [Symbol.asyncIterator](): AsyncIterator<B> {
    return this.yieldingBatches(this[Symbol.iterator]());
  }

  private async *yieldingBatches(batches: Iterator<B>): AsyncGenerator<B> {
    let lastYield = performance.now();
    const onIO = this.yieldOnIO;
    try {
      for (;;) {
        if ((onIO && eventLoopHasIO()) || performance.now() - lastYield >= this.yieldEveryMs) {
          const start = performance.now();
          do await nextMacrotask();
          while (onIO && eventLoopHasIO() && performance.now() - start < this.yieldEveryMs);
          lastYield = performance.now();
        }
        const next = batches.next();
        if (next.done) return;
        yield next.value;
      }
    } finally {
      batches.return?.(); // a `break` closes the epoch as it does in a synchronous loop
    }
  }

  /** The epoch's sample indices: the sampler's, or 0..n-1 in order or permuted. An array
   * rather than a generator: V8 threw away a concurrent TurboFan compile of a generator
   * that `yield*`-ed the permutation ("dependency change") every few steps, about 300 a
   * bench:server round, each costing a compile thread several ms. */
  private epochIndices(): Iterable<number> {
    if (this.sampler) return this.sampler;
    const n = this.dataset.length;
    if (!this.shuffle) return Array.from({ length: n }, (_, i) => i);
    const generator = this.generator ?? new Generator().manualSeed(random64() & (2n ** 63n - 1n));
    return randperm(n, { generator }).tolist() as number[];
  }

  private *batches(): globalThis.Generator<B> {
    let batch: number[] = [];
    for (const i of this.epochIndices()) {
      batch.push(i);
      if (batch.length === this.batchSize) {
        yield this.fetch(batch);
        batch = [];
      }
    }
    // PyTorch's RandomSampler, once exhausted, draws one more permutation (for the
    // numSamples % n remainder, empty here). That only shows on the loader's own generator.
    if (!this.sampler && this.shuffle && this.generator) randperm(this.dataset.length, { generator: this.generator });
    if (batch.length > 0 && !this.dropLast) yield this.fetch(batch);
  }

  private fetch(indices: number[]): B {
    const ds = this.dataset as Partial<BatchDataset<T, B>>;
    if (this.collateFn === null && typeof ds.getBatch === 'function') return ds.getBatch(indices);
    const samples = indices.map((i) => this.dataset.get(i));
    return this.collateFn ? this.collateFn(samples) : (defaultCollate(samples) as B);
  }
}
