// tg.nn.parallel.DistributedDataParallel: PyTorch's DDP on tg.distributed. Every rank
// holds the whole model and trains on its own share of each batch; DDP keeps the replicas
// equal by starting from rank 0's parameters and averaging the gradients during backward.
//
// Gradients are averaged in buckets (PyTorch's Reducer): the parameters, in reverse order
// (the order backward usually reaches them), are grouped into flat buffers of up to
// bucketCapMb (the first bucket 1 MB, so that communication starts early). A
// post-accumulate-grad hook counts each parameter in; a full bucket starts its
// asynchronous all-reduce at once, on the distributed thread, while backward goes on. At
// the end of backward (an engine callback) DDP waits for all of them. Buckets start in
// bucket order on every rank, which keeps the ranks' collectives in the same order. After
// the first step each parameter's .grad is a view into its bucket (PyTorch's
// gradient_as_bucket_view), so neither copy in nor copy out is needed.
import { Tensor } from '../tensor';
import { fmtValue, opError, opTypeError } from '../check';
import { noGrad } from '../autograd/grad_mode';
import { currentPass, queueCallback } from '../autograd/engine';
import * as dist from '../distributed';
import { Module } from './module';
import { itemSize, type DType } from '../dtype';
import type { Parameter } from './parameter';

/** DistributedDataParallel's options (PyTorch's, camelCase). */
export interface DistributedDataParallelOptions {
  /** The size of a gradient bucket in MiB (default 25, PyTorch's bucket_cap_mb). */
  bucketCapMb?: number;
  /** Broadcast rank 0's buffers (e.g. running statistics) before every forward (default true). */
  broadcastBuffers?: boolean;
}

/** What the last synchronised backward did (a diagnostic; see bench/dist.mjs). */
export interface DdpSyncStats {
  /** Buckets whose all-reduce started while backward was still running. */
  bucketsStartedDuringBackward: number;
  /** The number of gradient buckets. */
  buckets: number;
  /** Milliseconds the end of backward waited for the all-reduces: the communication not hidden. */
  waitMs: number;
}

// PyTorch's dist._DEFAULT_FIRST_BUCKET_BYTES (here no larger than bucketCapMb, so that a small
// cap splits a small model too).
const FIRST_BUCKET_BYTES = 1024 * 1024;

interface Bucket {
  params: Parameter[];
  offsets: number[];
  flat: Tensor;
  ready: number;
  work: dist.Work | null;
}

/** Wraps `module` for data-parallel training over the default process group
 * (torch.nn.parallel.DistributedDataParallel): forward is the module's, backward averages
 * the gradients over all ranks. `ddp.module` is the wrapped model; stateDict() keys get
 * PyTorch's "module." prefix. */
export class DistributedDataParallel extends Module {
  /** The wrapped model. */
  readonly module: Module;
  /** What the last synchronised backward did. */
  lastSyncStats: DdpSyncStats | null = null;
  readonly #broadcastBuffers: boolean;
  readonly #buckets: Bucket[] = [];
  readonly #bucketOf = new Map<Tensor, Bucket>();
  #sync = true;
  #pass: number | null = null;
  #nextToStart = 0;
  #started = 0;

  constructor(module: Module, options: DistributedDataParallelOptions = {}) {
    super();
    const op = 'DistributedDataParallel';
    if (!(module instanceof Module)) throw opTypeError(op, `module must be an nn.Module, got ${fmtValue(module)}`);
    if (!dist.isInitialized()) throw opError(op, 'the default process group has not been initialized; call tg.distributed.initProcessGroup first');
    const capMb = options.bucketCapMb ?? 25;
    if (!(typeof capMb === 'number' && capMb > 0)) throw opTypeError(op, `bucketCapMb must be a positive number, got ${fmtValue(capMb)}`);
    this.module = module;
    this.#broadcastBuffers = options.broadcastBuffers ?? true;
    // Every replica starts from rank 0's state.
    noGrad(() => {
      for (const t of [...module.parameters(), ...module.buffers()]) dist.broadcast(t.data, 0);
    });
    this.#makeBuckets(capMb * 1024 * 1024);
    for (const b of this.#buckets) for (const p of b.params) p.registerPostAccumulateGradHook((q) => this.#gradReady(q));
  }

  #makeBuckets(capBytes: number): void {
    const params = this.module.parameters().filter((p) => p.requiresGrad).reverse();
    const open = new Map<DType, { params: Parameter[]; bytes: number }>();
    const close = (dtype: DType): void => {
      const b = open.get(dtype);
      if (!b || b.params.length === 0) return;
      const offsets: number[] = [];
      let n = 0;
      for (const p of b.params) offsets.push(n), (n += p.numel());
      this.#buckets.push({ params: b.params, offsets, flat: Tensor._empty([n], b.params[0].dtype), ready: 0, work: null });
      for (const p of b.params) this.#bucketOf.set(p, this.#buckets[this.#buckets.length - 1]);
      open.delete(dtype);
    };
    for (const p of params) {
      const b = open.get(p.dtype) ?? { params: [], bytes: 0 };
      open.set(p.dtype, b);
      b.params.push(p);
      b.bytes += p.numel() * itemSize(p.dtype);
      const cap = this.#buckets.length === 0 ? Math.min(FIRST_BUCKET_BYTES, capBytes) : capBytes;
      if (b.bytes >= cap) close(p.dtype);
    }
    for (const dtype of [...open.keys()]) close(dtype);
  }

  /** The hook: counts `p` in; starts every bucket that is full, in bucket order. */
  #gradReady(p: Tensor): void {
    if (!this.#sync) return;
    const pass = currentPass();
    if (pass !== this.#pass) {
      // The first gradient of this backward (an earlier one that failed left its state behind).
      this.#pass = pass;
      for (const b of this.#buckets) (b.ready = 0), (b.work = null);
      this.#nextToStart = 0;
      this.#started = 0;
      queueCallback(() => this.#finishBackward());
    }
    this.#bucketOf.get(p)!.ready++;
    while (this.#nextToStart < this.#buckets.length) {
      const b = this.#buckets[this.#nextToStart];
      if (b.ready < b.params.length) break;
      this.#start(b);
      this.#started++;
    }
  }

  /** Starts a bucket's all-reduce; its parameters' .grad become views into it. */
  #start(b: Bucket): void {
    noGrad(() => {
      b.params.forEach((p, i) => {
        const slot = b.flat.narrow(0, b.offsets[i], p.numel()).view(p._shape.slice());
        const g = p.grad;
        if (g !== null && g._storage === slot._storage && g._offset === slot._offset) return; // already the view
        if (g === null) slot.zero_(); // no gradient reached p on this rank
        else slot.copy_(g);
        p.grad = slot;
      });
    });
    b.work = dist.allReduce(b.flat, { op: dist.ReduceOp.AVG, asyncOp: true });
    this.#nextToStart++;
  }

  /** End of backward: starts what is left (parameters this backward did not reach) and
   * waits for every bucket. */
  #finishBackward(): void {
    const startedDuringBackward = this.#started;
    while (this.#nextToStart < this.#buckets.length) this.#start(this.#buckets[this.#nextToStart]);
    const t0 = performance.now();
    this.#pass = null;
    for (const b of this.#buckets) b.work!.waitSync();
    this.lastSyncStats = { bucketsStartedDuringBackward: startedDuringBackward, buckets: this.#buckets.length, waitMs: performance.now() - t0 };
  }

  /** Runs `fn` without averaging gradients: backward inside it only accumulates .grad
   * locally, and the next backward outside averages the sum (PyTorch's no_sync context). */
  noSync<T>(fn: () => T): T {
    const prev = this.#sync;
    this.#sync = false;
    try {
      return fn();
    } finally {
      this.#sync = prev;
    }
  }

  /** The wrapped module's forward, after broadcasting rank 0's buffers (broadcastBuffers). */
  override forward(...inputs: unknown[]): unknown {
    if (this.#broadcastBuffers && dist.getWorldSize() > 1) {
      noGrad(() => {
        for (const b of this.module.buffers()) dist.broadcast(b.data, 0);
      });
    }
    return this.module.forward(...inputs);
  }
}
