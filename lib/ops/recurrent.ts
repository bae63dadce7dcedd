// The recurrent cells of tg.nn.functional: lstmCell, gruCell, rnnTanhCell (PyTorch's
// torch.lstm_cell, gru_cell, rnn_tanh_cell). The products gx = x wIhᵀ + bIh and
// gh = h wHhᵀ + bHh run on the GEMM; the gate arithmetic after them is one fused kernel
// per output (native/src/rnn_cell.cpp, group RnnCell) instead of PyTorch's dozen small ops,
// with PyTorch's grad_fn names: an LSTM's c' is an AddBackward0 (σ(f) c + σ(i) tanh(g)), its
// h' a MulBackward0 (σ(o) tanh(c')), a GRU's h' an AddBackward0 ((1 - z) n + z h).
import { Tensor } from '../tensor';
import { isGradEnabled } from '../autograd/grad_mode';
import { checkKernelDType, fmtShape, fmtValue, is, opError, opTypeError, optional, required, type Param } from '../check';
import * as kernels from '../backend';
import { Group, RnnCellOp } from '../native/table';
import { checkTensor } from './movement';
import { defineSpec, registerFunctionals, type Op } from './registry';
import { addmm } from './linalg';
import { cat } from './indexing';
import { arange, zeros } from './creation';
import { float32 } from '../dtype';

/** The gate pre-activations: [gx, gh], or [gates] when the caller summed them. */
type GateInputs = Tensor[];

const sumGates = (gates: GateInputs): Tensor => (gates.length === 1 ? gates[0] : gates[0].add(gates[1]));
const slice = (t: Tensor, k: number, H: number) => t.narrow(1, k * H, H);

/** Runs one RnnCell kernel: outs (null: not wanted), gates, state s, output gradient g. */
function runCell(op: number, outs: (Tensor | null)[], gates: GateInputs, s: Tensor, g: Tensor | null): void {
  kernels.run(Group.RnnCell, op, [outs[0]!, outs[1] ?? null, outs[2] ?? null, gates[0], gates[1] ?? null, s, g]);
}

const out = (like: Tensor, cols: number) => Tensor._output([like._shape[0], cols], like.dtype);
/** One gradient for each gate input (the same tensor: gates = gx + gh). */
const perGate = (gates: GateInputs, d: Tensor, needs: readonly boolean[]) => gates.map((_, k) => (needs[k] ? d : null));

const gatesParam = required('gates', is.any);
const stateParam = required('state', is.any);
const keptParam = required('kept', is.any);

/** What a step's forward kernels keep for backward: the gate activations [B, G·H] (LSTM:
 * σ(i), σ(f), tanh(g), σ(o), from the c' op, read by the h' op; GRU: r, z, n) and the
 * LSTM's tanh(c') [B, H]. A class, not a plain object (which would be keyword arguments). */
class Kept {
  act?: Tensor;
  tc?: Tensor;
}

// c' = σ(f) c + σ(i) tanh(g): forward(gates, c, kept).
const lstmCellC = defineSpec<(gates: any, state: Tensor, kept: Kept) => Tensor, [GateInputs, Tensor, Kept], { gates: Tensor[]; c: Tensor; act: Tensor }>({
  name: 'lstmCellC',
  gradFn: 'AddBackward0',
  method: false,
  params: [gatesParam, stateParam, keptParam],
  forward: (gates, c, kept) => {
    const cy = out(c, c._shape[1]);
    kept.act = out(c, 4 * c._shape[1]);
    runCell(RnnCellOp.LstmCellC, [cy, kept.act], gates, c, null);
    return cy;
  },
  save: (_, gates, c, kept) => ({ gates, c, act: kept.act! }),
  backward: (dc, { gates, c, act }, needs) => {
    const H = c._shape[1];
    const needC = needs[gates.length];
    if (!isGradEnabled()) {
      const dGates = out(c, 4 * H);
      const dcx = needC ? out(c, H) : null;
      runCell(RnnCellOp.LstmCellCBackward, [dGates, dcx], [act], c, dc.contiguous());
      return [...perGate(gates, dGates, needs), dcx];
    }
    const s = sumGates(gates);
    const [i, f, gg] = [slice(s, 0, H).sigmoid(), slice(s, 1, H).sigmoid(), slice(s, 2, H).tanh()];
    const dGates = cat([dc.mul(gg).mul(i).mul(i.neg().add(1)), dc.mul(c).mul(f).mul(f.neg().add(1)), dc.mul(i).mul(gg.square().neg().add(1)), zeros([c._shape[0], H], { dtype: c.dtype })], 1);
    return [...perGate(gates, dGates, needs), needC ? dc.mul(f) : null];
  },
});

// h' = σ(o) tanh(c'): forward(gates, c', kept), with kept.act from the c' op.
const lstmCellH = defineSpec<(gates: any, state: Tensor, kept: Kept) => Tensor, [GateInputs, Tensor, Kept], { gates: Tensor[]; c: Tensor; act: Tensor; tc: Tensor }>({
  name: 'lstmCellH',
  gradFn: 'MulBackward0',
  method: false,
  params: [gatesParam, stateParam, keptParam],
  forward: (gates, c, kept) => {
    const hy = out(c, c._shape[1]);
    kept.tc = out(c, c._shape[1]);
    runCell(RnnCellOp.LstmCellH, [hy, kept.tc], [kept.act!], c, null);
    return hy;
  },
  save: (_, gates, c, kept) => ({ gates, c, act: kept.act!, tc: kept.tc! }),
  backward: (dh, { gates, c, act, tc }, needs) => {
    const H = c._shape[1];
    const needC = needs[gates.length];
    if (!isGradEnabled()) {
      const dGates = out(c, 4 * H);
      const dc = needC ? out(c, H) : null;
      runCell(RnnCellOp.LstmCellHBackward, [dGates, dc], [act], tc, dh.contiguous());
      return [...perGate(gates, dGates, needs), dc];
    }
    const o = slice(sumGates(gates), 3, H).sigmoid();
    const t = c.tanh();
    const z = zeros([c._shape[0], 3 * H], { dtype: c.dtype });
    const dGates = cat([z, dh.mul(t).mul(o).mul(o.neg().add(1))], 1);
    return [...perGate(gates, dGates, needs), needC ? dh.mul(o).mul(t.square().neg().add(1)) : null];
  },
});

// h' = (1 - z) n + z h with r, z = σ(gx + gh), n = tanh(gxₙ + r ghₙ): forward([gx, gh], h, kept);
// kept.act gets r, z, n [B, 3H].
const gruCellCore = defineSpec<(gates: any, state: Tensor, kept: Kept) => Tensor, [GateInputs, Tensor, Kept], { gates: Tensor[]; h: Tensor; act: Tensor }>({
  name: 'gruCellCore',
  gradFn: 'AddBackward0',
  method: false,
  params: [gatesParam, stateParam, keptParam],
  forward: (gates, h, kept) => {
    const hy = out(h, h._shape[1]);
    kept.act = out(h, 3 * h._shape[1]);
    runCell(RnnCellOp.GruCell, [hy, kept.act], gates, h, null);
    return hy;
  },
  save: (_, gates, h, kept) => ({ gates, h, act: kept.act! }),
  backward: (g, { gates, h, act }, needs) => {
    const H = h._shape[1];
    if (!isGradEnabled()) {
      const [dgx, dgh, dh] = [out(h, 3 * H), out(h, 3 * H), needs[2] ? out(h, H) : null];
      runCell(RnnCellOp.GruCellBackward, [dgx, dgh, dh], [act, gates[1]], h, g.contiguous());
      return [needs[0] ? dgx : null, needs[1] ? dgh : null, dh];
    }
    const [gx, gh] = gates;
    const r = slice(gx, 0, H).add(slice(gh, 0, H)).sigmoid();
    const z = slice(gx, 1, H).add(slice(gh, 1, H)).sigmoid();
    const ghn = slice(gh, 2, H);
    const n = slice(gx, 2, H).add(r.mul(ghn)).tanh();
    const dn = g.mul(z.neg().add(1)).mul(n.square().neg().add(1));
    const dz = g.mul(h.sub(n)).mul(z).mul(z.neg().add(1));
    const dr = dn.mul(ghn).mul(r).mul(r.neg().add(1));
    return [needs[0] ? cat([dr, dz, dn], 1) : null, needs[1] ? cat([dr, dz, dn.mul(r)], 1) : null, needs[2] ? g.mul(z) : null];
  },
});

// ---- the public cells -----------------------------------------------------------------------

const tensorOrNull = (v: unknown, op: string, name: string) => (v === null || v === undefined ? null : checkTensor(op, v, name));

/** Checks a cell's arguments (naming the cell and the offending shape) and returns the
 * contiguous products gx = x wIhᵀ + bIh and gh = h wHhᵀ + bHh, [B, G·H] each. */
function cellGates(
  op: string, G: number, x: Tensor, h: Tensor, wIh: Tensor, wHh: Tensor, bIh: Tensor | null, bHh: Tensor | null,
): [Tensor, Tensor] {
  checkKernelDType(op, op, x.dtype);
  if (x.ndim !== 2) throw opError(op, `expected input of 2 dims [batch, input_size], got ${fmtShape(x._shape)}`);
  const [B, In] = x._shape;
  if (h.ndim !== 2 || h._shape[0] !== B) throw opError(op, `hidden state of shape ${fmtShape(h._shape)} does not match input ${fmtShape(x._shape)} (expected [${B}, hidden_size])`);
  const H = h._shape[1];
  const expect = (t: Tensor | null, shape: number[], name: string) => {
    if (t === null) return;
    if (t.ndim !== shape.length || t._shape.some((s, i) => s !== shape[i])) {
      throw opError(op, `${name} of shape ${fmtShape(t._shape)} should be ${fmtShape(shape)} (input ${fmtShape(x._shape)}, hidden ${fmtShape(h._shape)})`);
    }
    if (t.dtype !== x.dtype) throw opTypeError(op, `${name} has dtype ${t.dtype} but the input has ${x.dtype}`);
  };
  expect(wIh, [G * H, In], 'wIh');
  expect(wHh, [G * H, H], 'wHh');
  expect(bIh, [G * H], 'bIh');
  expect(bHh, [G * H], 'bHh');
  if ((bIh === null) !== (bHh === null)) throw opError(op, 'bIh and bHh must both be given or both be absent');
  if (h.dtype !== x.dtype) throw opTypeError(op, `the hidden state has dtype ${h.dtype} but the input has ${x.dtype}`);
  const product = (a: Tensor, w: Tensor, b: Tensor | null) => (b ? addmm(b, a, w.t()) : a.mm(w.t()));
  return [product(x, wIh, bIh), product(h, wHh, bHh)];
}

// Examples (for test/kwargs.test.ts): hidden size 2 for an input [2, 3].
const example = (rows: number, cols: number) => arange(rows * cols, { dtype: float32 }).reshape(rows, cols).mul(0.7).sin();
const cellParams = (G: number, state: Param): Param[] => [
  required('input', (v, op, name) => checkTensor(op, v, name)),
  state,
  required('wIh', (v, op, name) => checkTensor(op, v, name), example(2 * G, 3)),
  required('wHh', (v, op, name) => checkTensor(op, v, name), example(2 * G, 2)),
  optional('bIh', tensorOrNull, null, example(1, 2 * G).reshape(-1)),
  optional('bHh', tensorOrNull, null, example(1, 2 * G).reshape(-1).mul(0.5)),
];
const hiddenParam = required('hx', (v, op, name) => checkTensor(op, v, name), example(2, 2));

const lstmCellSpec = defineSpec<(
  input: Tensor, hx: [Tensor, Tensor], wIh: Tensor, wHh: Tensor, bIh?: Tensor | null, bHh?: Tensor | null,
) => [Tensor, Tensor], [Tensor, [Tensor, Tensor], Tensor, Tensor, Tensor | null, Tensor | null]>({
  name: 'lstmCell',
  method: false,
  params: cellParams(
    4,
    required('hx', (v, op, name) => {
      if (!Array.isArray(v) || v.length !== 2) throw opTypeError(op, `${name} must be [h, c], got ${fmtValue(v)}`);
      return [checkTensor(op, v[0], 'h'), checkTensor(op, v[1], 'c')];
    }, [example(2, 2), example(2, 2).neg()]),
  ),
  forward: ((x: Tensor, [h, c]: [Tensor, Tensor], wIh: Tensor, wHh: Tensor, bIh: Tensor | null, bHh: Tensor | null) => {
    const gates = cellGates('lstmCell', 4, x, h, wIh, wHh, bIh, bHh);
    if (c.ndim !== 2 || c._shape[0] !== h._shape[0] || c._shape[1] !== h._shape[1]) {
      throw opError('lstmCell', `cell state of shape ${fmtShape(c._shape)} does not match the hidden state ${fmtShape(h._shape)}`);
    }
    return lstmStep(gates, c);
  }) as unknown as (...a: unknown[]) => Tensor,
});

/** One LSTM step from its gate inputs ([gx, gh], or [gates] summed) and c: [h', c']. */
export function lstmStep(gates: GateInputs, c: Tensor): [Tensor, Tensor] {
  const kept = new Kept();
  const cy = lstmCellC.call(gates, c, kept);
  return [lstmCellH.call(gates, cy, kept), cy];
}

/** One GRU step from gx and gh: h'. */
export function gruStep(gx: Tensor, gh: Tensor, h: Tensor): Tensor {
  return gruCellCore.call([gx, gh], h, new Kept());
}

/** One LSTM step (PyTorch's torch.lstm_cell): input [B, In], hx = [h, c] ([B, H] each),
 * wIh [4H, In], wHh [4H, H], biases [4H] or both absent; gates i, f, g, o of
 * x wIhᵀ + bIh + h wHhᵀ + bHh give c' = σ(f) c + σ(i) tanh(g) and h' = σ(o) tanh(c').
 * Returns [h', c'] (which may be passed back as hx). */
export const lstmCell = lstmCellSpec.call;

const gruCellSpec = defineSpec<(input: Tensor, hx: Tensor, wIh: Tensor, wHh: Tensor, bIh?: Tensor | null, bHh?: Tensor | null) => Tensor, any[]>({
  name: 'gruCell',
  method: false,
  params: cellParams(3, hiddenParam),
  forward: (x: Tensor, h: Tensor, wIh: Tensor, wHh: Tensor, bIh: Tensor | null, bHh: Tensor | null) => {
    const [gx, gh] = cellGates('gruCell', 3, x, h, wIh, wHh, bIh, bHh);
    return gruStep(gx, gh, h);
  },
});
/** One GRU step (PyTorch's torch.gru_cell): input [B, In], hx [B, H], wIh [3H, In],
 * wHh [3H, H], biases [3H] or both absent; with gates r, z, n: r = σ(gxᵣ + ghᵣ),
 * z = σ(gx_z + gh_z), n = tanh(gxₙ + r ghₙ), h' = (1 - z) n + z h. */
export const gruCell = gruCellSpec.call;

const rnnTanhCellSpec = defineSpec<(input: Tensor, hx: Tensor, wIh: Tensor, wHh: Tensor, bIh?: Tensor | null, bHh?: Tensor | null) => Tensor, any[]>({
  name: 'rnnTanhCell',
  method: false,
  params: cellParams(1, hiddenParam),
  forward: (x: Tensor, h: Tensor, wIh: Tensor, wHh: Tensor, bIh: Tensor | null, bHh: Tensor | null) => {
    const [gx, gh] = cellGates('rnnTanhCell', 1, x, h, wIh, wHh, bIh, bHh);
    return gx.add(gh).tanh();
  },
});
/** One Elman RNN step with tanh (PyTorch's torch.rnn_tanh_cell): input [B, In], hx [B, H],
 * wIh [H, In], wHh [H, H], biases [H] or both absent: h' = tanh(x wIhᵀ + bIh + h wHhᵀ + bHh). */
export const rnnTanhCell = rnnTanhCellSpec.call;

registerFunctionals([lstmCellSpec, gruCellSpec, rnnTanhCellSpec] as Op<(...a: any[]) => unknown>[]);
