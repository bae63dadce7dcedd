// Recurrent layers: RNN, LSTM, GRU (PyTorch's torch.nn.modules.rnn): PyTorch's
// constructor arguments, parameter names (weight_ih_l0, bias_hh_l1_reverse, ...), initial
// values (U(-1/√H, 1/√H) for every parameter, in registration order), dropout between
// layers in training, initial states, batchFirst, bidirectional, unbatched inputs and repr.
// A layer's input projection is one GEMM for all steps; each step then runs h wHhᵀ and the
// cell's fused kernels (lib/ops/recurrent.ts).
import { Tensor } from '../tensor';
import type { DType, DTypeLike } from '../dtype';
import { Signature, checkInt, fmtShape, fmtValue, is, keyword, opError, opTypeError, optional, required, dtypeKeyword } from '../check';
import { registerClass } from '../ops/registry';
import { checkDevice, type Device } from '../device';
import { empty, zeros } from '../ops/creation';
import { addmm } from '../ops/linalg';
import { cat, stack } from '../ops/indexing';
import { lstmStep, gruStep } from '../ops/recurrent';
import { pythonRepr } from '../optim/optimizer';
import { Module } from './module';
import { Parameter } from './parameter';
import * as F from './functional';
import { uniform_ } from './init';

/** The cell a recurrent layer runs (PyTorch's mode). */
export type Mode = 'LSTM' | 'GRU' | 'RNN_TANH' | 'RNN_RELU';
const GATES: Record<Mode, number> = { LSTM: 4, GRU: 3, RNN_TANH: 1, RNN_RELU: 1 };

/** The options of RNN, LSTM and GRU by name (PyTorch's keyword arguments). */
export interface RNNOptions {
  /** The number of input features. */
  inputSize?: number;
  /** The number of features of the hidden state. */
  hiddenSize?: number;
  /** The number of stacked layers (default 1). */
  numLayers?: number;
  /** 'tanh' (default) or 'relu'. */
  nonlinearity?: 'tanh' | 'relu';
  /** Whether the layer has biases (default true). */
  bias?: boolean;
  /** Inputs and outputs are [B, L, ...] instead of [L, B, ...] (default false). */
  batchFirst?: boolean;
  /** The dropout probability (between layers for a recurrent network). */
  dropout?: number;
  /** Whether each layer also runs backwards in time (default false). */
  bidirectional?: boolean;
  /** 'cpu', the only device of this build. */
  device?: string | Device;
  /** The parameters' dtype (default float32; tg.float64 or 'float64' for doubles). */
  dtype?: DTypeLike;
}

/** One layer and direction's parameters: x wIhᵀ + bIh and h wHhᵀ + bHh. */
interface Weights {
  wIh: Parameter;
  wHh: Parameter;
  bIh: Parameter | null;
  bHh: Parameter | null;
}

const product = (a: Tensor, w: Tensor, b: Tensor | null) => (b ? addmm(b, a, w.t()) : a.mm(w.t()));

/** PyTorch's RNNBase: the layers' weights and the loop over layers, directions and steps. */
abstract class RNNBase extends Module {
  /** The cell: 'LSTM', 'GRU', 'RNN_TANH' or 'RNN_RELU'. */
  readonly mode: Mode;
  /** The number of input features. */
  readonly inputSize: number;
  /** The number of features of the hidden state. */
  readonly hiddenSize: number;
  /** The number of stacked layers (default 1). */
  readonly numLayers: number;
  /** Whether the layer has biases (default true). */
  readonly bias: boolean;
  /** Inputs and outputs are [B, L, ...] instead of [L, B, ...] (default false). */
  readonly batchFirst: boolean;
  /** The dropout probability (between layers for a recurrent network). */
  readonly dropout: number;
  /** Whether each layer also runs backwards in time (default false). */
  readonly bidirectional: boolean;

  constructor(mode: Mode, values: { inputSize: number; hiddenSize: number; numLayers: number; bias: boolean; batchFirst: boolean; dropout: number; bidirectional: boolean; device: unknown; dtype: DType }) {
    super();
    const name = mode.startsWith('RNN') ? 'RNN' : mode;
    this.mode = mode;
    this.inputSize = checkInt(name, 'inputSize', values.inputSize, 0);
    this.hiddenSize = checkInt(name, 'hiddenSize', values.hiddenSize, 1);
    this.numLayers = checkInt(name, 'numLayers', values.numLayers, 1);
    this.bias = values.bias;
    this.batchFirst = values.batchFirst;
    const p = values.dropout;
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw opError(name, `dropout should be a number in range [0, 1] representing the probability of an element being zeroed, got ${fmtValue(p)}`);
    this.dropout = p;
    this.bidirectional = values.bidirectional;
    if (values.device !== undefined) checkDevice(name, values.device as string);
    const G = GATES[mode] * this.hiddenSize;
    const D = this.bidirectional ? 2 : 1;
    for (let layer = 0; layer < this.numLayers; ++layer) {
      const layerInput = layer === 0 ? this.inputSize : this.hiddenSize * D;
      for (let dir = 0; dir < D; ++dir) {
        const suffix = `_l${layer}${dir === 1 ? '_reverse' : ''}`;
        const param = (shape: number[]) => new Parameter(empty(shape, { dtype: values.dtype }));
        this.registerParameter(`weight_ih${suffix}`, param([G, layerInput]));
        this.registerParameter(`weight_hh${suffix}`, param([G, this.hiddenSize]));
        if (this.bias) {
          this.registerParameter(`bias_ih${suffix}`, param([G]));
          this.registerParameter(`bias_hh${suffix}`, param([G]));
        }
      }
    }
    this.resetParameters();
  }

  /** PyTorch's reset_parameters: every parameter U(-1/√H, 1/√H), in registration order. */
  resetParameters(): void {
    const stdv = 1 / Math.sqrt(this.hiddenSize);
    for (const p of this.parameters()) uniform_(p, -stdv, stdv);
  }

  private weights(layer: number, dir: number): Weights {
    const suffix = `_l${layer}${dir === 1 ? '_reverse' : ''}`;
    const own = this as unknown as Record<string, Parameter>;
    return { wIh: own[`weight_ih${suffix}`], wHh: own[`weight_hh${suffix}`], bIh: own[`bias_ih${suffix}`] ?? null, bHh: own[`bias_hh${suffix}`] ?? null };
  }

  /** One step of the cell from the gate inputs gx = x wIhᵀ + bIh and gh = h wHhᵀ + bHh
   * (the cells add them: PyTorch's arithmetic) and the state ([h] or [h, c]). */
  private cell(gx: Tensor, gh: Tensor, state: Tensor[]): Tensor[] {
    switch (this.mode) {
      case 'LSTM':
        return lstmStep([gx, gh], state[1]);
      case 'GRU':
        return [gruStep(gx, gh, state[0])];
      case 'RNN_TANH':
        return [gx.add(gh).tanh()];
      case 'RNN_RELU':
        return [gx.add(gh).relu()];
    }
  }

  /** Runs the layers over input [L, B, In] (already time-major, batched) from the initial
   * states (one [numLayers·D, B, H] tensor per state); returns the output and final states.
   * As PyTorch's FullLayer, a layer's input projection is one product for all L steps
   * ([L·B, In] by wIhᵀ: one GEMM forward, one for its weight's gradient); each step then
   * only multiplies h by wHhᵀ. */
  protected run(input: Tensor, initial: Tensor[]): [Tensor, Tensor[]] {
    const D = this.bidirectional ? 2 : 1;
    const [L, B] = input.shape;
    let x = input;
    const finals: Tensor[][] = initial.map(() => []);
    for (let layer = 0; layer < this.numLayers; ++layer) {
      if (layer > 0 && this.dropout > 0 && this.training) x = F.dropout(x, this.dropout, true);
      const outputs: Tensor[] = [];
      for (let dir = 0; dir < D; ++dir) {
        const w = this.weights(layer, dir);
        const xProj = product(x.reshape(L * B, x.shape[2]), w.wIh, w.bIh);
        let state = initial.map((s) => s.select(0, layer * D + dir));
        const hs: Tensor[] = new Array(L);
        for (let k = 0; k < L; ++k) {
          const t = dir === 0 ? k : L - 1 - k;
          state = this.cell(xProj.narrow(0, t * B, B), product(state[0], w.wHh, w.bHh), state);
          hs[t] = state[0];
        }
        outputs.push(stack(hs, 0));
        state.forEach((s, i) => finals[i].push(s));
      }
      x = D === 1 ? outputs[0] : cat(outputs, 2);
    }
    return [x, finals.map((f) => stack(f, 0))];
  }

  /** Checks the input and initial states, runs, and restores the caller's layout. */
  protected forwardStates(input: Tensor, hx: Tensor[] | null): [Tensor, Tensor[]] {
    const name = this.constructor.name;
    if (!(input instanceof Tensor)) throw opTypeError(name, `input must be a Tensor, got ${fmtValue(input)}`);
    if (input.ndim !== 2 && input.ndim !== 3) {
      throw opError(name, `expected input of 2 dims (unbatched [L, ${this.inputSize}]) or 3 dims (${this.batchFirst ? `[B, L, ${this.inputSize}]` : `[L, B, ${this.inputSize}]`}), got ${input.ndim} dims ${fmtShape(input.shape)}`);
    }
    if (input.shape[input.ndim - 1] !== this.inputSize) {
      throw opError(name, `input.size(-1) must be equal to input_size. Expected ${this.inputSize}, got ${input.shape[input.ndim - 1]} (input ${fmtShape(input.shape)})`);
    }
    const batched = input.ndim === 3;
    let x = batched ? input : input.unsqueeze(1);
    if (batched && this.batchFirst) x = x.transpose(0, 1);
    const B = x.shape[1];
    const expected = [this.numLayers * (this.bidirectional ? 2 : 1), B, this.hiddenSize];
    const count = this.mode === 'LSTM' ? 2 : 1;
    const states = (hx ?? new Array<null>(count).fill(null)).map((h, i) => {
      if (h === null) return zeros(expected, { dtype: input.dtype });
      const s = batched ? h : h.unsqueeze(1);
      if (s.ndim !== 3 || s.shape.some((d, k) => d !== expected[k])) {
        const shown = batched ? expected : [expected[0], expected[2]];
        throw opError(name, `Expected ${count === 2 ? ['hidden', 'cell'][i] + ' ' : 'hidden '}size ${fmtShape(shown)}, got ${fmtShape(h.shape)}`);
      }
      return s;
    });
    let [out, finals] = this.run(x, states);
    if (batched && this.batchFirst) out = out.transpose(0, 1);
    if (!batched) [out, finals] = [out.squeeze(1), finals.map((f) => f.squeeze(1))];
    return [out, finals];
  }

  override extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (this.numLayers !== 1) s += `, num_layers=${this.numLayers}`;
    if (this.bias !== true) s += `, bias=${this.bias ? 'True' : 'False'}`;
    if (this.batchFirst) s += ', batch_first=True';
    if (this.dropout !== 0) s += `, dropout=${pythonRepr(this.dropout)}`;
    if (this.bidirectional) s += ', bidirectional=True';
    return s;
  }
}

const common = [
  optional('bias', is.bool, true, false),
  optional('batchFirst', is.bool, false, true),
  optional('dropout', is.number, 0, 0.5),
  optional('bidirectional', is.bool, false, true),
  keyword('device', is.any, undefined),
  dtypeKeyword,
];
const leading = [required('inputSize', is.int, 3), required('hiddenSize', is.int, 2), optional('numLayers', is.int, 1, 2)];
const named = (sig: Signature, args: unknown[]) => {
  const values = sig.bind(args);
  return Object.fromEntries(sig.params.map((p, i) => [p.name, values[i]])) as any;
};

const RNN_SIG = new Signature('RNN', [...leading, optional('nonlinearity', is.oneOf('tanh', 'relu'), 'tanh', 'relu'), ...common]);
/** An Elman RNN (PyTorch's nn.RNN): h' = tanh (or relu) of x wIhᵀ + bIh + h wHhᵀ + bHh per
 * layer. forward(input, h0?) gives [output, hN]: output [L, B, D·H] (batchFirst: [B, L, D·H]),
 * hN [numLayers·D, B, H]. */
export class RNN extends RNNBase {
  /** 'tanh' (default) or 'relu'. */
  readonly nonlinearity: 'tanh' | 'relu';
  /** PyTorch's RNN(input_size, hidden_size, num_layers=1, nonlinearity='tanh', bias=True,
   * batch_first=False, dropout=0.0, bidirectional=False, *, device, dtype). */
  constructor(inputSize: number | RNNOptions, hiddenSize?: number | RNNOptions, numLayers?: number | RNNOptions, nonlinearity?: 'tanh' | 'relu' | RNNOptions, bias?: boolean | RNNOptions, batchFirst?: boolean | RNNOptions, dropout?: number | RNNOptions, bidirectional?: boolean | RNNOptions, options?: RNNOptions);
  constructor(...args: unknown[]) {
    const v = named(RNN_SIG, args);
    super(v.nonlinearity === 'relu' ? 'RNN_RELU' : 'RNN_TANH', v);
    this.nonlinearity = v.nonlinearity;
  }
  override forward(input: Tensor, hx: Tensor | null = null): [Tensor, Tensor] {
    const [out, [h]] = this.forwardStates(input, hx === null ? null : [hx]);
    return [out, h];
  }
}

const LSTM_SIG = new Signature('LSTM', [...leading, ...common.slice(0, 4), optional('projSize', is.int, 0), ...common.slice(4)]);
/** A long short-term memory network (PyTorch's nn.LSTM). forward(input, [h0, c0]?) gives
 * [output, [hN, cN]]: output [L, B, D·H] (batchFirst: [B, L, D·H]), hN and cN
 * [numLayers·D, B, H]; an unbatched input [L, In] drops the B dims. */
export class LSTM extends RNNBase {
  /** PyTorch's LSTM(input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
   * dropout=0.0, bidirectional=False, proj_size=0, *, device, dtype). */
  constructor(inputSize: number | RNNOptions, hiddenSize?: number | RNNOptions, numLayers?: number | RNNOptions, bias?: boolean | RNNOptions, batchFirst?: boolean | RNNOptions, dropout?: number | RNNOptions, bidirectional?: boolean | RNNOptions, projSize?: number | RNNOptions, options?: RNNOptions);
  constructor(...args: unknown[]) {
    const v = named(LSTM_SIG, args);
    if (v.projSize !== 0) throw opError('LSTM', `projSize is not supported (got ${v.projSize})`);
    super('LSTM', v);
  }
  override forward(input: Tensor, hx: [Tensor, Tensor] | null = null): [Tensor, [Tensor, Tensor]] {
    if (hx !== null && (!Array.isArray(hx) || hx.length !== 2)) throw opTypeError('LSTM', `hx must be [h0, c0], got ${fmtValue(hx)}`);
    const [out, [h, c]] = this.forwardStates(input, hx);
    return [out, [h, c]];
  }
}

const GRU_SIG = new Signature('GRU', [...leading, ...common]);
/** A gated recurrent unit network (PyTorch's nn.GRU). forward(input, h0?) gives
 * [output, hN] as RNN does. */
export class GRU extends RNNBase {
  /** PyTorch's GRU(input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
   * dropout=0.0, bidirectional=False, *, device, dtype). */
  constructor(inputSize: number | RNNOptions, hiddenSize?: number | RNNOptions, numLayers?: number | RNNOptions, bias?: boolean | RNNOptions, batchFirst?: boolean | RNNOptions, dropout?: number | RNNOptions, bidirectional?: boolean | RNNOptions, options?: RNNOptions);
  constructor(...args: unknown[]) {
    super('GRU', named(GRU_SIG, args));
  }
  override forward(input: Tensor, hx: Tensor | null = null): [Tensor, Tensor] {
    const [out, [h]] = this.forwardStates(input, hx === null ? null : [hx]);
    return [out, h];
  }
}

registerClass('nn.RNN', 'module', RNN_SIG, RNN);
registerClass('nn.LSTM', 'module', LSTM_SIG, LSTM);
registerClass('nn.GRU', 'module', GRU_SIG, GRU);
