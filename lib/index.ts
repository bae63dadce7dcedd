// tensorgrad: PyTorch-style tensors and autograd for Node.js. The public surface.
import { Tensor } from './tensor';
import * as engine from './autograd/engine';
import { gradcheck, gradgradcheck } from './autograd/gradcheck';
import { defineCheckedOp } from './autograd/function';
import { Node } from './ops/registry';
import * as kernels from './native/kernels';
import { nativeInfo } from './native/binding';
import { checkTensor } from './ops/movement';

export { Tensor } from './tensor';
// Modules that only add Tensor methods (the others are loaded by the exports below).
import './ops/copyslices';
import './ops/inplace';
export { Size } from './layout';
export type { NestedArray, TensorOrScalar } from './tensor';
export { float32, float64, int32, bool, int64 } from './dtype';
export { DType } from './dtype';
export type { DTypeLike, DTypeName, TypedArray, TypedArrayConstructor, NumberTypedArray } from './dtype';
export { tensor, from, zeros, ones, full, empty, zerosLike, onesLike, fullLike, emptyLike, arange, linspace, eye } from './ops/creation';
export type { CreationOptions } from './ops/creation';
export { rand, randn, randint, randperm, randLike, randnLike } from './ops/random';
export type { RandomOptions, RandomCreationOptions, NormalOptions, UniformOptions, BernoulliOptions } from './ops/random';
export { Generator, defaultGenerator, manualSeed, seed, initialSeed, getRngState, setRngState } from './random';
export * from './ops/elementwise';
export { reshape, flatten, transpose, permute, squeeze, unsqueeze, narrow, select, clone } from './ops/movement';
export type { FlattenOptions, NarrowOptions } from './ops/movement';
export { matmul, mm, outer, addmm, t } from './ops/linalg';
export { cat, stack, indexSelect, gather } from './ops/indexing';
export { slice, Slice, index, indexPut, indexPut_ } from './ops/subscript';
export type { IndexSpec } from './ops/subscript';
export {
  maskedFill, maskedFill_, maskedSelect, nonzero, scatter, scatter_, scatterAdd, scatterAdd_, indexAdd, indexAdd_, indexFill, indexFill_, take, takeAlongDim,
} from './ops/scatter';
export { sort, argsort, topk, cumsum, cumprod } from './ops/sorting';
export type { SortOptions, TopkOptions, ScanOptions } from './ops/sorting';
export { flip, roll, repeat, tile, tril, triu, chunk, split, diff } from './ops/rearrange';
export type { DiffOptions } from './ops/rearrange';
export { einsum } from './ops/einsum';
export { cdist } from './nn/distance';
export type { CdistOptions } from './nn/distance';
export type { ValuesIndices } from './ops/reduce';
import { reductions } from './ops/reduce';
export { noGrad, enableGrad, isGradEnabled, setGradEnabled } from './autograd/grad_mode';
export { device, backends, Device } from './device';
export { setPrintOptions, getPrintOptions } from './print';
export type { PrintOptions } from './print';

/** The tensor's storage and version shared, cut from the graph (torch.detach); see Tensor.detach. */
export const detach = (x: Tensor): Tensor => checkTensor('detach', x).detach();
/** The number of elements (torch.numel); see Tensor.numel. */
export const numel = (x: Tensor): number => checkTensor('numel', x).numel();
export const { sum, mean, amax, amin, prod, var: variance, std, norm, logsumexp, argmax, argmin, softmax, logSoftmax, max, min } = reductions;
export { variance as var };

/** Whether x is a tensorgrad Tensor (torch.is_tensor). */
export function isTensor(x: unknown): x is Tensor {
  return x instanceof Tensor;
}

/** Autograd functions (torch.autograd): grad, backward, gradcheck, gradgradcheck, defineOp, Node.
 * @namespace */
export const autograd = {
  /** Gradients of outputs w.r.t. inputs, without touching .grad (torch.autograd.grad). */
  grad: engine.grad,
  /** Backward from several roots at once (torch.autograd.backward). */
  backward: (tensors: Tensor | Tensor[], gradTensors?: Tensor | (Tensor | null)[] | null, options?: engine.BackwardOptions) =>
    engine.backward(
      Array.isArray(tensors) ? tensors : [tensors],
      gradTensors == null ? [] : Array.isArray(gradTensors) ? gradTensors : [gradTensors],
      options,
    ),
  /** Checks an op's gradients against finite differences in float64 (torch.autograd.gradcheck). */
  gradcheck,
  /** Checks second derivatives against finite differences of the gradients (torch.autograd.gradgradcheck). */
  gradgradcheck,
  /** Defines a differentiable op from a forward and a backward (torch.autograd.Function). */
  defineOp: defineCheckedOp,
  /** The class of autograd graph nodes, what tensor.gradFn holds (torch.autograd.graph.Node). */
  Node,
};

/** Sets the number of threads the native kernels use (torch.set_num_threads). */
export const setNumThreads = (n: number): void => kernels.setNumThreads(n);
/** The number of threads the native kernels use (torch.get_num_threads). */
export const getNumThreads = (): number => kernels.getNumThreads();
/** Opts in to (true) or out of (false) tuning glibc malloc for tensor workloads: it keeps
 * up to 64 MB of freed memory for reuse and serves blocks under 4 MB from its heap, so
 * buffers Node frees after a garbage collection are not re-faulted page by page. It
 * changes malloc for the whole process, so it is off unless asked for (also by
 * TENSORGRAD_MALLOC_TUNING=1 at load); false restores glibc's default thresholds.
 * Returns whether it applied (false without glibc). See README, Memory. */
export const setAllocatorTuning = (on: boolean): boolean => kernels.setAllocatorTuning(on);
export { memoryPoolStats, setMemoryPoolLimit, type MemoryPoolStats } from './memory-pool';
/** One core's float32 FMA throughput in GFLOP/s, measured by a register-only loop for
 * `seconds` with the widest vectors of the selected path ('avx512' or 'avx2'; throws on
 * others): the ceiling for GEMM figures. */
export const measureFmaPeak = (seconds = 0.3): number => measureFmaPeakRounds(seconds).best;
/** What {@link measureFmaPeakRounds} returns. */
export interface FmaPeakRounds {
  /** The fastest round's GFLOP/s (what {@link measureFmaPeak} returns). */
  best: number;
  /** The median round's GFLOP/s. */
  median: number;
  /** How many rounds ran. */
  rounds: number;
}
/** The FMA peak of {@link measureFmaPeak} as its best and its median round (GFLOP/s) and
 * the number of rounds (~0.3 ms each) in `seconds`. `best` is what measureFmaPeak returns;
 * on a shared VM it sits a few % above a typical round (clock and timer variation), so a
 * GEMM figure that is a median of longer runs is also worth reading against `median`. */
export function measureFmaPeakRounds(seconds = 0.3): FmaPeakRounds {
  const r = kernels.fmaPeakRounds(seconds).sort(); // a typed array sorts numerically
  const mid = r.length >> 1;
  return { best: r[r.length - 1], median: r.length % 2 ? r[mid] : (r[mid - 1] + r[mid]) / 2, rounds: r.length };
}
/** Which SIMD code path the native core selected on this CPU: 'avx512', 'avx2', 'neon'
 * or 'scalar'. TENSORGRAD_SIMD=avx512|avx2|neon|scalar in the environment forces one
 * (loading the module fails with an Error naming the reason when the CPU lacks it). */
export const simd = nativeInfo.simd;

export * as nn from './nn';
export { cloneStateDict } from './nn/module';
export * as optim from './optim';
export * as data from './data';
export { save, load, saveAsync, loadAsync } from './io/safetensors';
export type { Saveable } from './io/safetensors';
export { saveNpy, loadNpy, saveNpyAsync, loadNpyAsync } from './io/npy';
export * as threads from './threads';
export * as async from './async';
// Types that public signatures use (so that the API reference and users can name them).
export type { ReduceDims, DimOptions, VarOptions, NormOptions, ExtremeFn, ExtremeFns } from './ops/reduce';
export type { BackwardOptions, GradOptions } from './autograd/engine';
export type { GradcheckOptions, GradgradcheckOptions } from './autograd/gradcheck';
export type { OpDef } from './ops/registry';
export type { UnaryFn, WhereFn } from './ops/arith';
export type { DeviceType } from './device';
export * as distributed from './distributed';
export { RemovableHandle } from './autograd/hooks';
export type { GradHook, PostAccumulateGradHook } from './autograd/hooks';
export type { ForwardPreHook, ForwardHook, FullBackwardHook } from './nn/module';
