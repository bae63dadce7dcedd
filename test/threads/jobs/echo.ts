// Sends back what it received, with a description of each tensor as the worker sees it.
import * as tg from '../../../lib/index';

export interface Seen {
  dtype: tg.DType;
  shape: number[];
  strides: number[];
  values: unknown;
  shared: boolean;
  requiresGrad: boolean;
}

export default async function echo(input: Record<string, tg.Tensor>): Promise<{ back: Record<string, tg.Tensor>; seen: Record<string, Seen> }> {
  const seen: Record<string, Seen> = {};
  for (const [k, t] of Object.entries(input)) {
    seen[k] = { dtype: t.dtype, shape: [...t.shape], strides: t.stride(), values: t.tolist(), shared: t.isShared(), requiresGrad: t.requiresGrad };
  }
  return { back: input, seen };
}
