// Datasets: anything with a length and get(index) (PyTorch's __len__ / __getitem__).
import { Tensor } from '../tensor';
import { checkInt, fmtShape, fmtValue, opError, opTypeError } from '../check';
import { from } from '../ops/creation';

export interface Dataset<T> {
  readonly length: number;
  get(index: number): T;
}

/** A dataset whose samples can also be fetched a batch at a time (one gather per tensor
 * instead of one view per sample and a stack). DataLoader uses it when it can. */
export interface BatchDataset<T, B> extends Dataset<T> {
  getBatch(indices: readonly number[]): B;
}

/** Samples are the rows (index along dim 0) of each tensor: get(i) is [x[i], y[i], ...]. */
export class TensorDataset implements BatchDataset<Tensor[], Tensor[]> {
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

  get length(): number {
    return this.tensors[0].shape[0];
  }

  /** Sample `index` (negative counts from the end): the index-th row of each tensor (views). */
  get(index: number): Tensor[] {
    const n = this.length;
    checkInt('TensorDataset.get', 'index', index, -n, n - 1);
    return this.tensors.map((t) => t.select(0, index));
  }

  getBatch(indices: readonly number[]): Tensor[] {
    const n = this.length;
    const index = new Int32Array(indices.length);
    indices.forEach((i, k) => (index[k] = checkInt('TensorDataset.getBatch', 'index', i, -n, n - 1) < 0 ? i + n : i));
    const idx = from(index);
    return this.tensors.map((t) => t.indexSelect(0, idx));
  }
}
