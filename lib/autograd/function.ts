// An op is defined once, forward and backward side by side (defineOp). Calling it runs
// forward without recording; if any tensor argument requires grad, it also creates the
// graph node (the output's gradFn) that the engine later calls backward on.
import { inspectCustom } from '../inspect';
import { Tensor } from '../tensor';
import type { DType } from '../dtype';
import { gradMode, type GradState } from './grad_mode';
import { fmtShape, fmtValue } from '../check';

/** Where a gradient flowing out of a node goes: another node, or a leaf tensor. */
export type Edge = Node | Tensor;

let nextSequenceNr = 0;

export class Node<Info = unknown> {
  /** PyTorch's class name of the grad_fn, e.g. 'AddBackward0'. */
  readonly name: string;
  /** Creation order; descending order is a topological order of the graph (assigned after
   * reading the inputs' gradFn, which may create a node: a view's, after an in-place change). */
  readonly seq: number;
  /** One entry per tensor argument of the op: where its gradient goes (null: nowhere). */
  readonly next: (Edge | null)[];
  /** Shape and dtype of each tensor argument: the engine sums and casts gradients to them. */
  readonly inputShapes: (readonly number[])[];
  readonly inputDTypes: DType[];
  /** needsInputGrad[i]: whether tensor argument i requires grad. */
  readonly needsInputGrad: boolean[];
  /** Op-specific values stashed by forward for backward (shapes, dims, scalars). */
  info!: Info;
  /** Non-leaf tensors whose .grad should be kept (retainGrad). */
  retained: Tensor[] | null = null;
  /** @internal The engine's state during a backward pass: the last pass that reached this
   * node, and the gradient of its output gathered so far. */
  _pass = 0;
  _grad: Tensor | null = null;

  private savedTensors: Tensor[] | null = null;
  private savedValues: Record<string, unknown> | null = null;
  private savedVersions: number[] = [];
  /** Which saved tensors are this node's output (for the version error's wording). */
  private savedIsOutput: boolean[] = [];
  private released = false;
  private readonly def: OpDef<any[], Info>;

  /** `inputs`: the op's tensor arguments, in order. (Each array is made at its final
   * size, all four in one loop: this runs for every recorded op.) */
  constructor(def: OpDef<any[], Info>, name: string, inputs: readonly Tensor[]) {
    this.def = def;
    this.name = name;
    const n = inputs.length;
    const next = (this.next = new Array<Edge | null>(n));
    const needs = (this.needsInputGrad = new Array<boolean>(n));
    const shapes = (this.inputShapes = new Array<readonly number[]>(n));
    const dtypes = (this.inputDTypes = new Array<DType>(n));
    for (let i = 0; i < n; ++i) {
      const t = inputs[i];
      const needed = t.requiresGrad;
      next[i] = needed ? (t.gradFn ?? t) : null;
      needs[i] = needed;
      shapes[i] = t._shape;
      dtypes[i] = t.dtype;
    }
    this.seq = nextSequenceNr++;
  }

  /** Saves tensors for backward, remembering their versions (to detect in-place edits). */
  saveForBackward(...tensors: Tensor[]): void {
    if (this === (NOT_RECORDING as Node)) return;
    this.savedTensors = tensors;
    this.savedVersions = tensors.map((t) => t._version.value);
  }

  /** Saves named values for backward (an op spec's `save`): tensors are version-checked
   * as by saveForBackward, other values are kept as they are; `numbersAreTensors`: the
   * numbers count as saved tensors, freed by backward (see OpSpec.savesNumbersAsTensors).
   * (Loops, not keys/filter/map: this runs for every recorded op.) */
  save(values: Record<string, unknown>, numbersAreTensors = false): void {
    if (this === (NOT_RECORDING as Node)) return;
    this.savedValues = values;
    const tensors: Tensor[] = [];
    let numbers = false;
    for (const k in values) {
      const v = values[k];
      if (v instanceof Tensor) tensors.push(v);
      else if (typeof v === 'number') numbers = true;
    }
    // Values only (shapes, dims): nothing to free, so a second backward works (as PyTorch's).
    if (tensors.length === 0 && !(numbersAreTensors && numbers)) return;
    this.savedTensors = tensors;
    this.savedVersions = tensors.map((t) => t._version.value);
  }

  /** What save() kept, after the same checks as `saved` (freed graph, in-place changes).
   * (The values themselves: preserveSaved and savedOutputBecomes replace tensors in both.) */
  restore<S>(): S {
    void this.saved; // its checks
    return (this.savedValues ?? NOTHING_SAVED) as S;
  }

  /** The saved tensors; throws if the graph was freed or a saved tensor changed in place. */
  get saved(): Tensor[] {
    if (this.released) {
      throw new Error(
        'Trying to backward through the graph a second time (or directly access saved tensors after they have ' +
          'already been freed). Saved intermediate values of the graph are freed when you call .backward() or ' +
          'autograd.grad(). Specify retainGraph: true if you need to backward through the graph a second time or ' +
          'if you need to access saved tensors after calling backward.\n' +
          'Hint: pass {retainGraph: true} to the first backward() call.',
      );
    }
    const tensors = this.savedTensors ?? [];
    for (let i = 0; i < tensors.length; ++i) {
      const now = tensors[i]._version.value;
      if (now !== this.savedVersions[i]) {
        const t = tensors[i];
        // As PyTorch: a saved output names this node, a saved input its current gradFn,
        // a leaf or constant nothing.
        const origin = this.savedIsOutput[i] ? this.name : t.gradFn?.name;
        throw new Error(
          `one of the variables needed for gradient computation has been modified by an inplace operation: ` +
            `[${torchTypeName(t.dtype)} [${t._shape.join(', ')}]]${origin ? `, which is output 0 of ${origin},` : ''} ` +
            `is at version ${now}; expected version ${this.savedVersions[i]} instead.\n` +
            `Hint: the backward of ${this.name} needs that tensor unchanged; use an out-of-place op ` +
            `(e.g. add instead of add_) or clone() it before modifying it.`,
        );
      }
    }
    return tensors;
  }

  /** @internal Called by defineOp once forward has returned `out`. */
  markOutput(out: Tensor): void {
    if (this.savedTensors) this.savedIsOutput = this.savedTensors.map((t) => t === out);
  }

  /** Frees what forward saved (after a backward without retainGraph). */
  release(): void {
    if (this.savedTensors !== null) {
      this.savedTensors = null;
      this.savedValues = null;
      this.released = true;
    }
  }

  /** Before an in-place write into `t`: if this node saved `t`, keep a copy of its
   * current value instead (as PyTorch saves self.clone() for in-place ops). */
  preserveSaved(t: Tensor, copy: (t: Tensor) => Tensor): void {
    if (!this.savedTensors) return;
    this.savedTensors.forEach((s, i) => {
      if (s !== t) return;
      const c = copy(t);
      this.savedTensors![i] = c;
      this.savedVersions[i] = c._version.value;
      this.replaceSavedValue(t, c);
    });
  }

  /** Replaces `from` by `to` among the named values (see restore). */
  private replaceSavedValue(from: Tensor, to: Tensor): void {
    const values = this.savedValues;
    if (values !== null) for (const k in values) if (values[k] === from) values[k] = to;
  }

  /** After an in-place op wrote `out` (this node's output) into `self`: if the node saved
   * its output, it saved `self` now, at its current version (as PyTorch, where relu_ saves
   * self itself), so a later in-place change to self makes backward throw. */
  savedOutputBecomes(out: Tensor, self: Tensor): void {
    if (!this.savedTensors) return;
    this.savedTensors.forEach((s, i) => {
      if (s !== out) return;
      this.savedTensors![i] = self;
      this.savedVersions[i] = self._version.value;
      this.replaceSavedValue(out, self);
    });
  }

  /** Gradients of the op's tensor arguments given the gradient of its output. */
  apply(grad: Tensor): (Tensor | null | undefined)[] {
    return this.def.backward(this, grad);
  }

  /** Printed as PyTorch prints a grad_fn, without its address: <AddBackward0 object>. */
  toString(): string {
    return `<${this.name} object>`;
  }
  [inspectCustom](): string {
    return this.toString();
  }

  /** PyTorch's next_functions: for each input, its node, or null for leaves/constants. */
  get nextFunctions(): (Node | null)[] {
    return this.next.map((e) => (e instanceof Node ? e : null));
  }
}

function torchTypeName(d: DType): string {
  return { float32: 'torch.FloatTensor', float64: 'torch.DoubleTensor', int32: 'torch.IntTensor', bool: 'torch.BoolTensor', int64: 'torch.LongTensor' }[d.name];
}

/** A differentiable op for autograd.defineOp (torch.autograd.Function): its name, forward
 * and backward. */
export interface OpDef<Args extends any[], Info = unknown> {
  /** The grad_fn name, e.g. "AddBackward0" (call forms PyTorch names differently are separate ops). */
  name: string;
  /** Computes the output from the arguments; ctx.save(...) keeps what backward needs. */
  forward(ctx: Node<Info>, ...args: Args): Tensor;
  /** One gradient per tensor argument, in order (null/undefined: none). */
  backward(ctx: Node<Info>, grad: Tensor): (Tensor | null | undefined)[];
}

/** What restore() gives a node that saved nothing. */
const NOTHING_SAVED = Object.freeze({});

// The ctx handed to forward when nothing is recorded: saving is a no-op.
const NOT_RECORDING = new Node<any>({ name: '', forward: () => undefined as never, backward: () => [] }, '', []);

/** Whether an op argument requires grad: a tensor that does, or an array holding one (cat's). */
export function requiresGrad(x: unknown): boolean {
  if (x instanceof Tensor) return x._requiresGrad;
  return Array.isArray(x) && someRequiresGrad(x); // apart: the common case stays small enough to inline
}

function someRequiresGrad(xs: unknown[]): boolean {
  for (const t of xs) if (t instanceof Tensor && t._requiresGrad) return true;
  return false;
}

/** Appends the tensors of one argument: a tensor, or the tensors in an array argument. */
function collectTensors(into: Tensor[], a: unknown): void {
  if (a instanceof Tensor) into.push(a);
  else if (Array.isArray(a)) for (const t of a) if (t instanceof Tensor) into.push(t);
}

/** The most arguments an op takes. Ops are called with this many fixed parameters rather
 * than rest arrays and spreads: this path runs on every op call. */
export const MAX_ARGS = 8;

/** A function of an op's (at most MAX_ARGS) arguments. */
export type FixedArgs<R> = (a0?: unknown, a1?: unknown, a2?: unknown, a3?: unknown, a4?: unknown, a5?: unknown, a6?: unknown, a7?: unknown) => R;
/** An op's forward as the recording wrapper calls it: the node first. */
type RecordedForward<Info> = (ctx: Node<Info>, a0?: unknown, a1?: unknown, a2?: unknown, a3?: unknown, a4?: unknown, a5?: unknown, a6?: unknown, a7?: unknown) => Tensor;

/** The grad mode if an op called with these arguments is recorded (one of them requires
 * grad and grad mode is on), else null. The mode is looked up only when some argument
 * requires grad. */
export function recordingMode(a0: unknown, a1: unknown, a2: unknown, a3: unknown, a4: unknown, a5: unknown, a6: unknown, a7: unknown): GradState | null {
  if (!(requiresGrad(a0) || requiresGrad(a1) || requiresGrad(a2) || requiresGrad(a3) || requiresGrad(a4) || requiresGrad(a5) || requiresGrad(a6) || requiresGrad(a7))) {
    return null;
  }
  const mode = gradMode();
  return mode.enabled ? mode : null;
}

/** Runs an op that is recorded (see recordingMode): creates its node, whose inputs are the
 * tensor arguments (Tensors, and the Tensors inside array arguments, as cat's, in order),
 * runs forward(node, ...) without recording (so a composite forward stays one node) and
 * makes the node the output's gradFn. */
export function runRecorded<Info>(
  mode: GradState, def: OpDef<any[], Info>, forward: RecordedForward<Info>,
  a0: unknown, a1: unknown, a2: unknown, a3: unknown, a4: unknown, a5: unknown, a6: unknown, a7: unknown,
): Tensor {
  const inputs: Tensor[] = [];
  // Tensors pushed here, arrays' tensors (cat's) by collectTensors: this runs for every recorded op.
  if (a0 instanceof Tensor) inputs.push(a0);
  else if (Array.isArray(a0)) collectTensors(inputs, a0);
  if (a1 instanceof Tensor) inputs.push(a1);
  else if (Array.isArray(a1)) collectTensors(inputs, a1);
  if (a2 instanceof Tensor) inputs.push(a2);
  else if (Array.isArray(a2)) collectTensors(inputs, a2);
  if (a3 instanceof Tensor) inputs.push(a3);
  else if (Array.isArray(a3)) collectTensors(inputs, a3);
  if (a4 !== undefined || a5 !== undefined || a6 !== undefined || a7 !== undefined) {
    collectTensors(inputs, a4), collectTensors(inputs, a5), collectTensors(inputs, a6), collectTensors(inputs, a7);
  }
  const node = new Node<Info>(def, def.name, inputs);
  mode.enabled = false;
  let out: Tensor;
  try {
    out = forward(node, a0, a1, a2, a3, a4, a5, a6, a7);
  } finally {
    mode.enabled = true;
  }
  out._setGradFn(node);
  node.markOutput(out);
  return out;
}

/** Defines an op; the returned function runs it and records it when needed. The op's
 * tensor arguments are its Tensor arguments and the Tensors inside array arguments (cat),
 * in order; backward returns one gradient for each. */
export function defineOp<Args extends any[], Info = unknown>(def: OpDef<Args, Info>): (...args: Args) => Tensor {
  if (def.forward.length > MAX_ARGS + 1) throw new Error(`defineOp ${def.name}: at most ${MAX_ARGS} arguments`);
  const forward = def.forward as unknown as RecordedForward<Info>;
  const run: FixedArgs<Tensor> = (a0, a1, a2, a3, a4, a5, a6, a7) => {
    const mode = recordingMode(a0, a1, a2, a3, a4, a5, a6, a7);
    if (mode === null) return forward(NOT_RECORDING as Node<Info>, a0, a1, a2, a3, a4, a5, a6, a7);
    return runRecorded(mode, def, forward, a0, a1, a2, a3, a4, a5, a6, a7);
  };
  return run as unknown as (...args: Args) => Tensor;
}

/** Whether a gradient of shape `grad` can be summed down to an input of shape `input`
 * (PyTorch's is_expandable_to(input, grad)). */
function reducibleTo(grad: readonly number[], input: readonly number[]): boolean {
  const lead = grad.length - input.length;
  return lead >= 0 && input.every((s, i) => s === grad[lead + i] || s === 1);
}

/** defineOp for user code (tg.autograd.defineOp): checks the definition, and what forward
 * and backward return, as PyTorch's autograd.Function does, with errors naming the op.
 * The library's own ops use defineOp, which skips these checks on every call. */
export function defineCheckedOp<Args extends any[], Info = unknown>(def: OpDef<Args, Info>): (...args: Args) => Tensor {
  if (def === null || typeof def !== 'object') throw new TypeError(`defineOp: expected {name, forward, backward}, got ${fmtValue(def)}`);
  const { name, forward, backward } = def;
  if (typeof name !== 'string' || name === '') throw new TypeError(`defineOp: name must be a non-empty string, got ${fmtValue(name)}`);
  if (typeof forward !== 'function' || typeof backward !== 'function') {
    throw new TypeError(`defineOp ${name}: forward and backward must be functions`);
  }
  if (forward.length > MAX_ARGS + 1) throw new Error(`defineOp ${name}: at most ${MAX_ARGS} arguments`);
  return defineOp<Args, Info>({
    name,
    forward(ctx, ...args) {
      const out = forward(ctx, ...args);
      if (!(out instanceof Tensor)) throw new TypeError(`${name}: forward must return a Tensor, got ${fmtValue(out)}`);
      return out;
    },
    backward(ctx, grad) {
      let grads: unknown = backward(ctx, grad);
      if (grads instanceof Tensor || grads == null) grads = [grads]; // one gradient need not be in an array
      const expected = ctx.next.length;
      if (!Array.isArray(grads) || grads.length !== expected) {
        throw new Error(
          `function ${name} returned an incorrect number of gradients (expected ${expected}, got ${Array.isArray(grads) ? grads.length : fmtValue(grads)})`,
        );
      }
      grads.forEach((g: unknown, i) => {
        if (g == null) return;
        const invalid = `function ${name} returned an invalid gradient at index ${i} - `;
        if (!(g instanceof Tensor)) throw new TypeError(`${invalid}expected a Tensor or null, got ${fmtValue(g)}`);
        if (!reducibleTo(g._shape, ctx.inputShapes[i])) {
          throw new Error(`${invalid}got ${fmtShape(g._shape)} but expected shape compatible with ${fmtShape(ctx.inputShapes[i])}`);
        }
      });
      return grads as (Tensor | null | undefined)[];
    },
  });
}
