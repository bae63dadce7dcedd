// tg.async: awaitable forms of the ops whose single native call can take long (a large
// matmul, a reduction over 10⁸ elements), for inference and data preparation inside a
// server. Each runs the very op of the synchronous API, but its native kernels run on a
// libuv thread (with the native thread pool) while the event loop goes on; the promise
// resolves to the op's result once they are done. Results are exactly the synchronous
// ones; autograd records the op as usual.
//
// The inputs must not be written until the promise settles (as with any buffer handed to
// an asynchronous API). Several tg.async ops may be in flight at once; while one runs,
// synchronous ops on the main thread use one native thread (the pool is busy).
import type { Tensor } from './tensor';
import type { ReduceDims } from './ops/reduce';
import * as L from './ops/linalg';
import * as R from './ops/reduce';
import { recorded } from './native/kernels';

/** tg.matmul(a, b) with its kernels off the event loop: resolves to the same tensor (torch.matmul). */
export const matmul = (a: Tensor, b: Tensor): Promise<Tensor> => recorded(() => L.matmul(a, b));
/** tg.sum(x, dim, keepdim) with its kernels off the event loop (torch.sum). */
export const sum = (x: Tensor, dim?: ReduceDims, keepdim?: boolean): Promise<Tensor> => recorded(() => R.sum(x, dim, keepdim));
/** tg.mean(x, dim, keepdim) with its kernels off the event loop (torch.mean). */
export const mean = (x: Tensor, dim?: ReduceDims, keepdim?: boolean): Promise<Tensor> => recorded(() => R.mean(x, dim, keepdim));
/** tg.amax(x, dim, keepdim) with its kernels off the event loop (torch.amax). */
export const amax = (x: Tensor, dim?: ReduceDims, keepdim?: boolean): Promise<Tensor> => recorded(() => R.amax(x, dim, keepdim));
/** tg.amin(x, dim, keepdim) with its kernels off the event loop (torch.amin). */
export const amin = (x: Tensor, dim?: ReduceDims, keepdim?: boolean): Promise<Tensor> => recorded(() => R.amin(x, dim, keepdim));
/** tg.softmax(x, dim) with its kernels off the event loop (torch.softmax). */
export const softmax = (x: Tensor, dim: number): Promise<Tensor> => recorded(() => R.softmax(x, dim));
/** tg.logSoftmax(x, dim) with its kernels off the event loop (torch.log_softmax). */
export const logSoftmax = (x: Tensor, dim: number): Promise<Tensor> => recorded(() => R.logSoftmax(x, dim));
