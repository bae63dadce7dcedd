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

export const matmul = (a: Tensor, b: Tensor): Promise<Tensor> => recorded(() => L.matmul(a, b));
export const sum = (x: Tensor, dim?: ReduceDims, keepdim?: boolean): Promise<Tensor> => recorded(() => R.sum(x, dim, keepdim));
export const mean = (x: Tensor, dim?: ReduceDims, keepdim?: boolean): Promise<Tensor> => recorded(() => R.mean(x, dim, keepdim));
export const amax = (x: Tensor, dim?: ReduceDims, keepdim?: boolean): Promise<Tensor> => recorded(() => R.amax(x, dim, keepdim));
export const amin = (x: Tensor, dim?: ReduceDims, keepdim?: boolean): Promise<Tensor> => recorded(() => R.amin(x, dim, keepdim));
export const softmax = (x: Tensor, dim: number): Promise<Tensor> => recorded(() => R.softmax(x, dim));
export const logSoftmax = (x: Tensor, dim: number): Promise<Tensor> => recorded(() => R.logSoftmax(x, dim));
