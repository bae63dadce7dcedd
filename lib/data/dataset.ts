// Datasets: anything with a length and get(index) (PyTorch's __len__ / __getitem__).
import { Tensor } from '../tensor';
import { checkInt, fmtShape, fmtValue, opError, opTypeError } from '../check';
import { from } from '../ops/creation';
import { randperm } from '../ops/random';
import { Generator } from '../random';

/** A dataset: a length and get(index) (torch.utils.data.Dataset's __len__ and __getitem__). */
export interface Dataset<T> {
  /** The number of samples (len(dataset)). */
  readonly length: number;
  /** Sample `index`, 0 ≤ index < length (dataset[index]). */
  get(index: number): T;
}

/** A dataset whose samples can also be fetched a batch at a time (one gather per tensor
 * instead of one view per sample and a stack). DataLoader uses it when it can. */
export interface BatchDataset<T, B> extends Dataset<T> {
  /** The samples at `indices`, collated into one batch (PyTorch's __getitems__). */
  getBatch(indices: readonly number[]): B;
}

/** Samples are the rows (index along dim 0) of each tensor: get(i) is [x[i], y[i], ...]
 * (torch.utils.data.TensorDataset). The tensors share their first dim. */
export class TensorDataset implements BatchDataset<Tensor[], Tensor[]> {
  /** The tensors, each of shape [length, ...]. */
  readonly tensors: Tensor[];

  constructor(...tensors: Tensor[]) {
    if (tensors.length === 0) throw opError('TensorDataset', 'expected at least one tensor');
    tensors.forEach((t, i) => {
      if (!(t instanceof Tensor)) throw opTypeError('TensorDataset', `argument ${i} is ${fmtValue(t)}, not a Tensor`);
      if (t.ndim === 0) throw opError('TensorDataset', `tensor ${i} is 0-d; each tensor needs a first (sample) dim`);
    });
    const n = tensors[0].shape[0];
    const bad = tensors.findIndex((t) => t.shape[0] !== n);
    if (bad >= 0) {
      throw opError(
        'TensorDataset',
        `Size mismatch between tensors: tensor 0 has shape ${fmtShape(tensors[0].shape)}, tensor ${bad} has shape ` +
          `${fmtShape(tensors[bad].shape)} (all need the same first dim)`,
      );
    }
    this.tensors = tensors;
  }

  /** The number of samples: the tensors' first dim. */
  get length(): number {
    return this.tensors[0].shape[0];
  }

  /** Sample `index` (negative counts from the end): the index-th row of each tensor (views). */
  get(index: number): Tensor[] {
    const n = this.length;
    checkInt('TensorDataset.get', 'index', index, -n, n - 1);
    return this.tensors.map((t) => t.select(0, index));
  }

  /** The rows at `indices` of each tensor, one indexSelect each: shapes [indices.length, ...]. */
  getBatch(indices: readonly number[]): Tensor[] {
    const n = this.length;
    const index = new Int32Array(indices.length);
    indices.forEach((i, k) => (index[k] = checkInt('TensorDataset.getBatch', 'index', i, -n, n - 1) < 0 ? i + n : i));
    const idx = from(index);
    return this.tensors.map((t) => t.indexSelect(0, idx));
  }
}

/** The samples of `dataset` at `indices`, in that order (torch.utils.data.Subset). */
export class Subset<T> implements Dataset<T> {
  /** The indices into `dataset`, in the subset's order. */
  readonly indices: number[];
  constructor(
    /** The dataset the subset draws from. */
    readonly dataset: Dataset<T>,
    indices: Iterable<number>,
  ) {
    if (dataset === null || typeof dataset !== 'object' || typeof dataset.get !== 'function') {
      throw opTypeError('Subset', `expected a dataset (with length and get(index)), got ${fmtValue(dataset)}`);
    }
    this.indices = [...indices];
  }

  /** The number of samples: indices.length. */
  get length(): number {
    return this.indices.length;
  }

  /** Sample `index` of the subset (negative counts from the end): dataset.get(indices[index]). */
  get(index: number): T {
    const n = this.length;
    checkInt('Subset.get', 'index', index, -n, n - 1);
    return this.dataset.get(this.indices[index < 0 ? index + n : index]);
  }
}

/** Splits `dataset` into non-overlapping Subsets of the given lengths (or fractions summing
 * to 1) at random, as PyTorch's random_split: the same generator state gives the same split
 * (a randperm of the dataset's length, cut in order). Fractions are floored, and the items
 * left over are handed out one by one from the first split. */
export function randomSplit<T>(dataset: Dataset<T>, lengths: readonly number[], options: { generator?: Generator | null } | Generator = {}): Subset<T>[] {
  const op = 'randomSplit';
  // The generator may come positionally, as PyTorch's random_split(dataset, lengths, generator).
  const generator = options instanceof Generator ? options : (options?.generator ?? null);
  if (dataset === null || typeof dataset !== 'object' || typeof dataset.length !== 'number') {
    throw opTypeError(op, `expected a dataset (with length and get(index)), got ${fmtValue(dataset)}`);
  }
  if (!Array.isArray(lengths) || lengths.some((l) => typeof l !== 'number' || !(l >= 0))) {
    throw opTypeError(op, `lengths must be an array of non-negative numbers, got ${fmtValue(lengths)}`);
  }
  const n = dataset.length;
  let sizes = lengths.slice();
  const total = sizes.reduce((a, b) => a + b, 0);
  if (Math.abs(total - 1) <= 1e-9 && total <= 1) {
    sizes = lengths.map((fraction, i) => {
      if (fraction > 1) throw opError(op, `Fraction at index ${i} is not between 0 and 1`);
      return Math.floor(n * fraction);
    });
    const remainder = n - sizes.reduce((a, b) => a + b, 0);
    for (let i = 0; i < remainder; ++i) sizes[i % sizes.length] += 1;
  }
  sizes.forEach((l, i) => checkInt(op, `lengths[${i}]`, l, 0));
  if (sizes.reduce((a, b) => a + b, 0) !== n) {
    throw opError(op, `Sum of input lengths does not equal the length of the input dataset! (lengths ${fmtValue(sizes)}, dataset length ${n})`);
  }
  const perm = Array.from(randperm(n, { generator }).toTypedArray());
  let offset = 0;
  return sizes.map((l) => new Subset(dataset, perm.slice(offset, (offset += l))));
}
