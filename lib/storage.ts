// CPU storage: a typed array over a JS ArrayBuffer that V8 owns. Views share a Storage;
// native code only borrows the pointer during a call.
import type { TypedArray } from './dtype';

export class Storage {
  constructor(public readonly data: TypedArray) {}
}

/** PyTorch's version counter: bumped by every in-place write, shared by a tensor, its
 * views and detach() — but not by `.data`, whose writes autograd does not see. */
export class VersionCounter {
  value = 0;
}
