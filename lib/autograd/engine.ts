// The backward pass: walks the graph from the roots in reverse creation order (a
// topological order), sums gradients per node, reduces broadcast gradients to each
// input's shape, and either accumulates into leaves' .grad (backward) or returns the
// gradients of chosen inputs (autograd.grad).
import { Tensor } from '../tensor';
import { fmtShape, fmtValue, opTypeError } from '../check';
import { sameShape } from '../layout';
import { gradMode } from './grad_mode';
import * as kernels from '../backend';
import { BinaryOp } from '../native/table';
import { hooksRegistered, leafGradHooks, nodeGradHooks, postAccumulateGrad } from './hooks';
import { Node, defineMethods, type Edge } from '../ops/registry';
import { sumToShape } from '../ops/movement';
import { addGrads } from '../ops/arith';

/** backward's options (PyTorch's retain_graph=, create_graph=). */
export interface BackwardOptions {
  /** Keep the graph's saved values so that backward can run through it again (default: createGraph). */
  retainGraph?: boolean;
  /** Record the backward pass itself, so that gradients have gradients (default false). */
  createGraph?: boolean;
}

interface Pass {
  roots: Tensor[];
  rootGrads: Tensor[];
  retainGraph: boolean;
  createGraph: boolean;
  /** autograd.grad: the tensors whose gradients are returned (leaves get no .grad). */
  inputs?: Tensor[];
}

function checkRoot(t: Tensor, i: number): void {
  if (!t.requiresGrad) {
    throw new Error(
      `element ${i} of tensors does not require grad and does not have a grad_fn\n` +
        'Hint: create the inputs with {requiresGrad: true} (or call requiresGrad_()) before computing the output, ' +
        'and do not compute it inside noGrad().',
    );
  }
}

/** Checks a given output gradient and casts it to the output's dtype (as PyTorch does). */
function checkRootGrad(t: Tensor, g: Tensor, i: number): Tensor {
  if (!(g instanceof Tensor)) throw new TypeError(`backward: grad_output[${i}] must be a Tensor, got ${fmtValue(g)}`);
  if (!sameShape(t._shape, g._shape)) {
    throw new Error(
      `Mismatch in shape: grad_output[${i}] has a shape of ${fmtShape(g._shape)} and output[${i}] has a shape of ` +
        `${fmtShape(t._shape)}.\nHint: the gradient passed to backward() must have the output's shape.`,
    );
  }
  return g.dtype === t.dtype ? g : g.to(t.dtype);
}

/** The implicit gradient of a scalar output. */
export function implicitGrad(t: Tensor, i: number): Tensor {
  if (t.numel() !== 1) {
    throw new Error(
      `grad can be implicitly created only for scalar outputs (output ${i} has shape ${fmtShape(t._shape)})\n` +
        'Hint: pass a gradient of the same shape, e.g. y.backward(tg.onesLike(y)), or reduce y first (y.sum().backward()).',
    );
  }
  return Tensor._onesLike(t);
}

/** PyTorch's AccumulateGrad: adds g into t.grad (a leaf's, or a retained non-leaf's). */
function accumulateGrad(t: Tensor, g: Tensor, createGraph: boolean): void {
  if (t._grad === null) {
    if (createGraph) {
      t._grad = g;
    } else {
      // A private contiguous copy: g may be shared with other leaves or be a broadcast view.
      const copy = Tensor._output(g._shape.slice(), g.dtype);
      kernels.copy(copy, g);
      t._grad = copy;
    }
  } else if (createGraph) {
    t._grad = addGrads(t._grad, g);
  } else {
    const mode = gradMode();
    const prev = mode.enabled;
    mode.enabled = false;
    try {
      t._grad.add_(g);
    } finally {
      mode.enabled = prev;
    }
  }
}

let passCount = 0;

/** Callbacks queued during the running backward pass (null outside one). */
let endOfPass: (() => void)[] | null = null;

/** Runs `fn` once the backward pass now running has finished, all .grad accumulated
 * (PyTorch's Variable._execution_engine.queue_callback; DDP waits for its all-reduces
 * there). Only from inside backward, e.g. from a hook. */
export function queueCallback(fn: () => void): void {
  if (endOfPass === null) throw new Error('queueCallback: no backward pass is running (call it from a hook)');
  endOfPass.push(fn);
}

/** The backward pass now running (a number that differs from pass to pass), or null
 * outside backward: lets a hook tell one backward from the next. */
export function currentPass(): number | null {
  return endOfPass === null ? null : passCount;
}

/** How many of the pass's nodes still have to run before each leaf's gradient is complete. */
function pendingUses(nodes: Node[]): Map<Tensor, number> {
  const pending = new Map<Tensor, number>();
  for (const node of nodes) {
    for (const e of node.next) if (e instanceof Tensor) pending.set(e, (pending.get(e) ?? 0) + 1);
  }
  return pending;
}

/** All nodes reachable from the roots, in descending creation order (a topological
 * order; PyTorch's engine also runs nodes by descending sequence number). Nodes are
 * marked with the pass number rather than kept in a Set: this runs on every backward. */
function collectNodes(roots: Tensor[], pass: number): Node[] {
  const found: Node[] = [];
  for (const r of roots) {
    if (r.gradFn && r.gradFn._pass !== pass) (r.gradFn._pass = pass), found.push(r.gradFn);
  }
  for (let i = 0; i < found.length; ++i) {
    for (const e of found[i].next) {
      if (e instanceof Node && e._pass !== pass) (e._pass = pass), found.push(e);
    }
  }
  return found.sort((a, b) => b.seq - a.seq);
}

/** For autograd.grad: the nodes that lead to one of the inputs (the others need not run). */
function nodesLeadingTo(nodes: Node[], inputs: Tensor[]): Set<Node> {
  const targetNodes = new Set<Node>();
  const targetLeaves = new Set<Tensor>();
  for (const t of inputs) {
    if (t.gradFn) targetNodes.add(t.gradFn);
    else targetLeaves.add(t);
  }
  const needed = new Set<Node>();
  // Ascending creation order: a node's inputs were created before it.
  for (let i = nodes.length - 1; i >= 0; --i) {
    const n = nodes[i];
    if (targetNodes.has(n) || n.next.some((e) => e !== null && (e instanceof Node ? needed.has(e) : targetLeaves.has(e)))) {
      needed.add(n);
    }
  }
  return needed;
}

function runPass(pass: Pass): Map<Edge, Tensor> {
  const { roots, rootGrads, retainGraph, createGraph, inputs } = pass;
  const nodes = collectNodes(roots, ++passCount);
  const needed = inputs ? nodesLeadingTo(nodes, inputs) : null;
  // A node's incoming gradient waits in node._grad; a leaf's total in leafGrads.
  const leafGrads = new Map<Tensor, Tensor>();
  const captured = new Map<Edge, Tensor>();
  const capture = inputs ? new Set<Edge>(inputs.map((t) => t.gradFn ?? t)) : null;
  // The sums this pass made and still holds (not yet handed to a node, hook or caller): a
  // further gradient is added into one in place, as PyTorch's InputBuffer does, instead of
  // into a fresh tensor (an RNN's weight gets one gradient per time step: bench/PROFILES.md,
  // "W8 LSTM step"). Not with createGraph, where the sums are graph nodes.
  const owned = new Set<Tensor>();
  const addTo = (prev: Tensor | null | undefined, g: Tensor): Tensor => {
    if (prev == null) return g;
    if (owned.has(prev)) {
      kernels.binary(BinaryOp.Add, prev, prev, g);
      return prev;
    }
    const sum = addGrads(prev, g);
    if (!createGraph) owned.add(sum);
    return sum;
  };
  // A slice's gradient (OpSpec.sliceGrad) goes into the slice of the input's gradient, in
  // place: into zeros when it is the first, into a sum the pass owns after. (Else, or with
  // createGraph, the node's backward makes the full-size gradient.)
  const deliverSlice = (node: Node, g: Tensor): boolean => {
    const piece = node.applySlice(g);
    if (piece === null) return false;
    const edge = node.next[0];
    if (edge === null) return true;
    const prev = edge instanceof Node ? edge._grad : leafGrads.get(edge);
    if ((prev != null && !owned.has(prev)) || piece.g.dtype !== node.inputDTypes[0]) return false;
    let buf = prev;
    if (buf == null) {
      buf = Tensor._empty(node.inputShapes[0].slice(), piece.g.dtype);
      owned.add(buf);
      if (edge instanceof Node) edge._grad = buf;
      else leafGrads.set(edge, buf);
    }
    buf.narrow(piece.dim, piece.start, piece.g._shape[piece.dim]).add_(piece.g);
    return true;
  };
  const deliver = (edge: Edge, g: Tensor): void => {
    if (edge instanceof Node) edge._grad = addTo(edge._grad, g);
    else leafGrads.set(edge, addTo(leafGrads.get(edge), g));
  };
  roots.forEach((r, i) => deliver(r.gradFn ?? r, rootGrads[i]));
  // backward: a leaf's gradient is accumulated (and its hooks run) as soon as the last node
  // that feeds it has run, while the rest of the pass goes on, so that DDP's all-reduce of
  // it overlaps the rest of backward. (autograd.grad captures at the end instead; and
  // without any hook registered, when a leaf is accumulated cannot be seen: at the end too.)
  const pending = capture || !hooksRegistered() ? null : pendingUses(nodes);
  const finishLeaf = (leaf: Tensor, g: Tensor): void => {
    leafGrads.delete(leaf);
    owned.delete(g);
    g = leafGradHooks(leaf, g);
    if (capture) {
      if (capture.has(leaf)) captured.set(leaf, g);
      return;
    }
    accumulateGrad(leaf, createGraph ? g : g.detach(), createGraph);
    postAccumulateGrad(leaf);
  };
  const settleLeaves = (node: Node): void => {
    if (pending === null) return;
    for (const e of node.next) {
      if (!(e instanceof Tensor)) continue;
      const left = pending.get(e)! - 1;
      pending.set(e, left);
      const g = leafGrads.get(e);
      if (left === 0 && g !== undefined) finishLeaf(e, g);
    }
  };

  const mode = gradMode();
  const prevMode = mode.enabled;
  mode.enabled = createGraph;
  const outerCallbacks = endOfPass;
  endOfPass = [];
  try {
    for (const node of nodes) {
      let g = node._grad;
      if (g === null || (needed && !needed.has(node))) {
        settleLeaves(node);
        continue;
      }
      node._grad = null;
      owned.delete(g);
      g = nodeGradHooks(node, g);
      if (capture?.has(node)) captured.set(node, g);
      if (node.retained) {
        for (const t of node.retained) accumulateGrad(t, createGraph ? g : g.detach(), createGraph);
      }
      if (!createGraph && deliverSlice(node, g)) {
        if (!retainGraph) node.release();
        settleLeaves(node);
        continue;
      }
      const inputGrads = node.apply(g);
      if (!retainGraph) node.release();
      for (let i = 0; i < node.next.length; ++i) {
        const edge = node.next[i];
        let gi = inputGrads[i];
        if (edge === null || gi == null) continue;
        gi = sumToShape(gi, node.inputShapes[i]);
        if (gi.dtype !== node.inputDTypes[i]) gi = gi.to(node.inputDTypes[i]);
        deliver(edge, gi);
      }
      settleLeaves(node);
    }
    // Leaves not finished above: the roots themselves, and autograd.grad's inputs.
    for (const [leaf, g] of [...leafGrads]) finishLeaf(leaf, g);
    for (const fn of endOfPass) fn();
  } finally {
    mode.enabled = prevMode;
    endOfPass = outerCallbacks;
    for (const node of nodes) node._grad = null; // after an error, or for nodes that were not needed
  }
  return captured;
}

/** tensor.backward(gradient?, options) and autograd.backward. */
export function backward(tensors: Tensor[], gradTensors: (Tensor | null | undefined)[], options: BackwardOptions = {}): void {
  const createGraph = !!options.createGraph;
  const retainGraph = options.retainGraph ?? createGraph;
  tensors.forEach(checkRoot);
  const rootGrads = tensors.map((t, i) => {
    const g = gradTensors[i];
    return g == null ? implicitGrad(t, i) : checkRootGrad(t, g, i);
  });
  runPass({ roots: tensors, rootGrads, retainGraph, createGraph });
}

/** autograd.grad's options (PyTorch's grad_outputs=, retain_graph=, create_graph=, allow_unused=). */
export interface GradOptions extends BackwardOptions {
  /** The gradient of each output (default: ones for a one-element output). */
  gradOutputs?: Tensor | (Tensor | null)[] | null;
  /** Give null for an input the outputs do not depend on, instead of throwing (default false). */
  allowUnused?: boolean;
}

/** autograd.grad(outputs, inputs, options): the gradients of outputs w.r.t. inputs. */
export function grad(outputs: Tensor | Tensor[], inputs: Tensor | Tensor[], options: GradOptions = {}): (Tensor | null)[] {
  const outs = Array.isArray(outputs) ? outputs : [outputs];
  const ins = Array.isArray(inputs) ? inputs : [inputs];
  const gradOuts = options.gradOutputs == null ? [] : Array.isArray(options.gradOutputs) ? options.gradOutputs : [options.gradOutputs];
  const createGraph = !!options.createGraph;
  const retainGraph = options.retainGraph ?? createGraph;
  outs.forEach(checkRoot);
  ins.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new TypeError(`autograd.grad: inputs[${i}] is not a Tensor`);
    if (!t.requiresGrad) throw new Error(`autograd.grad: One of the differentiated Tensors (inputs[${i}]) does not require grad`);
  });
  const rootGrads = outs.map((t, i) => {
    const g = gradOuts[i];
    return g == null ? implicitGrad(t, i) : checkRootGrad(t, g, i);
  });
  const captured = runPass({ roots: outs, rootGrads, retainGraph, createGraph, inputs: ins });
  return ins.map((t, i) => {
    const g = captured.get(t.gradFn ?? t);
    if (g === undefined) {
      if (!options.allowUnused) {
        throw new Error(
          `autograd.grad: One of the differentiated Tensors (inputs[${i}]) appears to not have been used in the graph. ` +
            'Set allowUnused: true if this is the desired behavior.',
        );
      }
      return null;
    }
    return createGraph ? g : g.detach();
  });
}

// Tensor.backward runs the engine; it is defined here so that lib/tensor.ts does not import it.
defineMethods({
  backward(this: Tensor, gradient?: Tensor | null | BackwardOptions, options: BackwardOptions = {}): void {
    if (gradient != null && !(gradient instanceof Tensor)) {
      if (typeof gradient !== 'object') throw opTypeError('backward', `gradient must be a Tensor, got ${fmtValue(gradient)}`);
      backward([this], [null], gradient);
      return;
    }
    backward([this], [gradient ?? null], options);
  },
});
declare module '../tensor' {
  interface Tensor {
    /** Computes gradients of this tensor w.r.t. the graph leaves, accumulated into their .grad
     * (torch.Tensor.backward).
     * backward(), backward(gradient), backward(gradient, options) or backward(options). */
    backward(gradient?: Tensor | null | BackwardOptions, options?: BackwardOptions): void;
  }
}
