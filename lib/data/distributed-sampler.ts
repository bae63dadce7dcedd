// DistributedSampler: each of numReplicas processes visits its own share of a dataset
// (torch.utils.data.distributed.DistributedSampler, same indices for the same arguments).
import { checkBool, checkInt, fmtValue, opError, opTypeError } from '../check';
import { randperm } from '../ops/random';
import { Generator } from '../random';
import type { Dataset } from './dataset';

/** DistributedSampler's options (PyTorch's num_replicas, rank, shuffle, seed, drop_last). */
export interface DistributedSamplerOptions {
  /** The number of processes taking part. Required: PyTorch takes it from the process
   * group, which tensorgrad does not have yet. */
  numReplicas?: number;
  /** This process's rank, 0..numReplicas-1. Required, as numReplicas. */
  rank?: number;
  /** A new order every epoch (seeded by seed + epoch, so all ranks agree). Default true. */
  shuffle?: boolean;
  /** Added to the epoch to seed the shuffle; must be the same on all ranks. Default 0. */
  seed?: number;
  /** Drop the tail that does not divide evenly among replicas instead of padding it
   * with repeated indices. Default false. */
  dropLast?: boolean;
}

const OP = 'DistributedSampler';

/** Gives each of numReplicas processes its own share of a dataset's indices, the same
 * indices as PyTorch for the same arguments (torch.utils.data.distributed.DistributedSampler);
 * pass it to DataLoader as `sampler`. */
export class DistributedSampler implements Iterable<number> {
  /** The number of processes taking part. */
  readonly numReplicas: number;
  /** This process's rank, 0..numReplicas-1. */
  readonly rank: number;
  /** Whether each epoch has a new order (seeded by seed + epoch). */
  readonly shuffle: boolean;
  /** The base seed of the shuffle, the same on all ranks. */
  readonly seed: number;
  /** Whether the tail that does not divide evenly is dropped (else padded with repeated indices). */
  readonly dropLast: boolean;
  /** The number of indices this rank visits per epoch (PyTorch's num_samples). */
  readonly length: number;
  /** length * numReplicas: the padded (or truncated) epoch all ranks share. */
  readonly totalSize: number;
  private readonly datasetLength: number;
  private epoch = 0;

  constructor(dataset: Dataset<unknown>, options: DistributedSamplerOptions = {}) {
    if (dataset === null || typeof dataset !== 'object' || !Number.isInteger(dataset.length) || dataset.length < 0) {
      throw opTypeError(OP, `dataset must have a length >= 0, got ${fmtValue(dataset)}`);
    }
    for (const name of ['numReplicas', 'rank'] as const) {
      if (options[name] === undefined) {
        throw opError(OP, `${name} is required: there is no initialised process group to take it from (as PyTorch does; tg.distributed is not built yet)`);
      }
    }
    this.numReplicas = checkInt(OP, 'numReplicas', options.numReplicas, 1);
    this.rank = checkInt(OP, 'rank', options.rank, 0, this.numReplicas - 1);
    this.shuffle = checkBool(OP, 'shuffle', options.shuffle ?? true);
    this.seed = checkInt(OP, 'seed', options.seed ?? 0);
    this.dropLast = checkBool(OP, 'dropLast', options.dropLast ?? false);
    const n = dataset.length;
    this.datasetLength = n;
    // As PyTorch: with dropLast, the largest multiple of numReplicas not above n (written
    // as its ceil((n - r) / r), which is that when n % r != 0); otherwise the smallest
    // multiple at or above n.
    const perReplica = this.dropLast && n % this.numReplicas !== 0
      ? Math.ceil((n - this.numReplicas) / this.numReplicas)
      : Math.ceil(n / this.numReplicas);
    this.length = Math.max(perReplica, 0); // ceil of a fraction in (-1, 0) is -0
    this.totalSize = this.length * this.numReplicas;
  }

  /** Sets the epoch that seeds the next shuffle. Call it before each epoch on every rank,
   * or every epoch visits the same order. */
  setEpoch(epoch: number): void {
    this.epoch = checkInt(OP, 'epoch', epoch);
  }

  /** This rank's indices for the current epoch. */
  *[Symbol.iterator](): Iterator<number> {
    const n = this.datasetLength;
    const order = this.shuffle
      ? (randperm(n, { generator: new Generator().manualSeed(this.seed + this.epoch) }).tolist() as number[])
      : Array.from({ length: n }, (_, i) => i);
    // Padding repeats the order from its start, as often as needed (PyTorch's
    // indices += (indices * ceil(padding / n))[:padding]); dropLast cuts it at totalSize.
    for (let i = this.rank; i < this.totalSize; i += this.numReplicas) yield order[i % n];
  }
}
