// The normalisation, embedding, recurrent and attention layers against real PyTorch
// (/usr/bin/python3 with torch 1.13): after manualSeed(0), the same modules built in the
// same order have PyTorch's repr, parameter and buffer names and initial values (bit for
// bit); a state dict PyTorch saved (a safetensors file written from Python) loads into
// them and gives PyTorch's outputs. Without PyTorch those tests are skipped, saying so;
// the error and mode tests below run everywhere.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, expect, test } from 'vitest';
import * as tg from '../../lib/index';
import type { Tensor } from '../../lib/index';
import { TORCH_HINT, hasTorch, runPython } from '../helpers/python';

const nn = tg.nn;
const F = tg.nn.functional;

interface Spec {
  shape: number[];
  data: number[];
}
interface Reference {
  reprs: Record<string, string>;
  init: Record<string, Record<string, Spec>>;
  inputs: Record<string, Spec>;
  outputs: Record<string, Spec[]>;
}

// Builds the modules in one order after torch.manual_seed(0) (the TypeScript below does the
// same), records them, perturbs every parameter, saves the state dicts as one safetensors
// file (written by hand: the format is an 8-byte header length, a JSON header, raw data),
// and runs them on fixed inputs.
const SCRIPT = String.raw`
import json, struct, sys
import torch
from torch import nn

out_dir = sys.argv[1]
torch.manual_seed(0)
modules = {
    'lstm': nn.LSTM(3, 4, num_layers=2, batch_first=True, bidirectional=True),
    'gru': nn.GRU(3, 4),
    'rnn': nn.RNN(3, 4, nonlinearity='relu'),
    'mha': nn.MultiheadAttention(8, 2),
    'enc': nn.TransformerEncoderLayer(8, 2, 16),
    'encPre': nn.TransformerEncoderLayer(8, 2, 16, activation='gelu', norm_first=True, batch_first=True),
    'emb': nn.Embedding(10, 3, padding_idx=0),
    'bn': nn.BatchNorm1d(3),
    'ln': nn.LayerNorm(8),
    'gn': nn.GroupNorm(2, 4),
}
spec = lambda t: {'shape': list(t.shape), 'data': t.detach().double().flatten().tolist()}
reprs = {k: repr(m) for k, m in modules.items()}
init = {k: {n: spec(t) for n, t in m.state_dict().items()} for k, m in modules.items()}

torch.manual_seed(1)
tensors = {}
with torch.no_grad():
    for k, m in modules.items():
        for n, p in m.named_parameters():
            p.add_(0.1 * torch.randn_like(p))
            tensors[k + '.' + n] = p.detach().clone()
for k, m in modules.items():
    for n, b in m.named_buffers():
        tensors[k + '.' + n] = b.detach().clone()
inputs = {'seq': torch.randn(2, 5, 3), 'tokens': torch.randn(4, 2, 8), 'feat': torch.randn(6, 3), 'img': torch.randn(2, 4, 3)}
ids = torch.tensor([[0, 3, 9], [2, 2, 0]])
mask = torch.tensor([[False, False, False, True], [False, False, True, True]])
causal = torch.triu(torch.full((4, 4), float('-inf')), 1)
outputs = {}
for m in modules.values():
    m.eval()
with torch.no_grad():
    o, (h, c) = modules['lstm'](inputs['seq'])
    outputs['lstm'] = [spec(o), spec(h), spec(c)]
    o, h = modules['gru'](inputs['seq'].transpose(0, 1))
    outputs['gru'] = [spec(o), spec(h)]
    o, h = modules['rnn'](inputs['seq'][0], torch.ones(1, 4))
    outputs['rnn'] = [spec(o), spec(h)]
    o, w = modules['mha'](inputs['tokens'], inputs['tokens'], inputs['tokens'], key_padding_mask=mask)
    outputs['mha'] = [spec(o), spec(w)]
    outputs['enc'] = [spec(modules['enc'](inputs['tokens'], src_mask=causal))]
    outputs['encPre'] = [spec(modules['encPre'](inputs['tokens'].transpose(0, 1)))]
    outputs['emb'] = [spec(modules['emb'](ids))]
    outputs['gn'] = [spec(modules['gn'](inputs['img']))]
    outputs['ln'] = [spec(modules['ln'](inputs['tokens']))]
    outputs['bnEval'] = [spec(modules['bn'](inputs['feat']))]
    modules['bn'].train()
    outputs['bnTrain'] = [spec(modules['bn'](inputs['feat'])), spec(modules['bn'].running_mean), spec(modules['bn'].running_var)]

# The safetensors file of the perturbed parameters and the buffers (before bn's training step).
header, blobs, offset = {}, [], 0
for name, t in tensors.items():
    t = t.contiguous()
    dtype = {torch.float32: 'F32', torch.int64: 'I64'}[t.dtype]
    data = t.numpy().tobytes()
    header[name] = {'dtype': dtype, 'shape': list(t.shape), 'data_offsets': [offset, offset + len(data)]}
    blobs.append(data)
    offset += len(data)
head = json.dumps(header).encode()
head += b' ' * (-len(head) % 8)
with open(out_dir + '/torch.safetensors', 'wb') as f:
    f.write(struct.pack('<Q', len(head)) + head + b''.join(blobs))
print(json.dumps({'reprs': reprs, 'init': init, 'inputs': {k: spec(v) for k, v in inputs.items()}, 'outputs': outputs}))
`;

/** The modules of SCRIPT, built in its order. */
function buildModules(): Record<string, tg.nn.Module> {
  return {
    lstm: new nn.LSTM(3, 4, { numLayers: 2, batchFirst: true, bidirectional: true }),
    gru: new nn.GRU(3, 4),
    rnn: new nn.RNN(3, 4, { nonlinearity: 'relu' }),
    mha: new nn.MultiheadAttention(8, 2),
    enc: new nn.TransformerEncoderLayer(8, 2, 16),
    encPre: new nn.TransformerEncoderLayer(8, 2, 16, { activation: 'gelu', normFirst: true, batchFirst: true }),
    emb: new nn.Embedding(10, 3, { paddingIdx: 0 }),
    bn: new nn.BatchNorm1d(3),
    ln: new nn.LayerNorm(8),
    gn: new nn.GroupNorm(2, 4),
  };
}

const fromSpec = (s: Spec): Tensor => tg.tensor(s.data).reshape(s.shape);

function expectClose(actual: Tensor, expected: Spec, what: string, tol = 1e-5): void {
  expect(actual.shape, what).toEqual(expected.shape);
  const got = Array.from(actual.toTypedArray() as Float32Array);
  const bad = expected.data.findIndex((e, i) => !(Math.abs(got[i] - e) <= tol + tol * Math.abs(e)));
  expect(bad, `${what}: element ${bad} is ${got[bad]}, PyTorch ${expected.data[bad]}`).toBe(-1);
}

describe.skipIf(!hasTorch)(`layers against PyTorch${TORCH_HINT}`, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-seq-layers-'));
  const ref = hasTorch ? runPython<Reference>(SCRIPT, [dir]) : (null as unknown as Reference);

  test("after manualSeed, PyTorch's repr, state dict names and initial values (bit for bit)", () => {
    tg.manualSeed(0);
    const modules = buildModules();
    for (const [name, m] of Object.entries(modules)) {
      expect(m.toString(), name).toBe(ref.reprs[name]);
      const sd = m.stateDict();
      expect(Object.keys(sd), name).toEqual(Object.keys(ref.init[name]));
      for (const [key, spec] of Object.entries(ref.init[name])) {
        expect(sd[key].shape, `${name}.${key}`).toEqual(spec.shape);
        const got = Array.from(sd[key].toTypedArray(), Number);
        const want = spec.data.map((v) => (sd[key].dtype === tg.float32 ? Math.fround(v) : v));
        expect(got, `${name}.${key}`).toEqual(want);
      }
    }
  });

  // test/examples.test.ts compares examples/sequence-lstm.ts with this file; here the
  // PyTorch twin is run live, so that the file is what PyTorch prints today.
  test('the PyTorch twin of examples/sequence-lstm.ts prints examples/expected/sequence-lstm.txt', () => {
    const root = path.resolve(__dirname, '..', '..');
    const printed = execFileSync('/usr/bin/python3', [path.join(root, 'examples', 'pytorch', 'sequence_lstm.py')], { encoding: 'utf8' });
    expect(printed).toBe(fs.readFileSync(path.join(root, 'examples', 'expected', 'sequence-lstm.txt'), 'utf8'));
  });

  test("a state dict saved by PyTorch loads and gives PyTorch's outputs", () => {
    const modules = buildModules();
    const saved = tg.load(path.join(dir, 'torch.safetensors')) as Record<string, Tensor>;
    for (const [name, m] of Object.entries(modules)) {
      const own = Object.fromEntries(Object.entries(saved).filter(([k]) => k.startsWith(`${name}.`)).map(([k, v]) => [k.slice(name.length + 1), v]));
      expect(String(m.loadStateDict(own)), name).toBe('<All keys matched successfully>');
      m.eval();
    }
    const x = Object.fromEntries(Object.entries(ref.inputs).map(([k, s]) => [k, fromSpec(s)]));
    const ids = tg.tensor([[0, 3, 9], [2, 2, 0]], { dtype: 'int32' });
    const mask = tg.tensor([[0, 0, 0, 1], [0, 0, 1, 1]]).gt(0.5);
    const causal = tg.where(tg.tensor([[0, 1, 1, 1], [0, 0, 1, 1], [0, 0, 0, 1], [0, 0, 0, 0]]).gt(0.5), -Infinity, 0);
    const m = modules as Record<string, any>;
    tg.noGrad(() => {
      const [o, [h, c]] = m.lstm.forward(x.seq);
      [o, h, c].forEach((t, i) => expectClose(t, ref.outputs.lstm[i], `lstm ${i}`));
      const [go, gh] = m.gru.forward(x.seq.transpose(0, 1));
      [go, gh].forEach((t, i) => expectClose(t, ref.outputs.gru[i], `gru ${i}`));
      const [ro, rh] = m.rnn.forward(x.seq.select(0, 0), tg.ones(1, 4));
      [ro, rh].forEach((t, i) => expectClose(t, ref.outputs.rnn[i], `rnn ${i}`));
      const [ao, aw] = m.mha.forward(x.tokens, x.tokens, x.tokens, { keyPaddingMask: mask });
      [ao, aw].forEach((t, i) => expectClose(t, ref.outputs.mha[i], `mha ${i}`));
      expectClose(m.enc.forward(x.tokens, causal), ref.outputs.enc[0], 'enc', 1e-4);
      expectClose(m.encPre.forward(x.tokens.transpose(0, 1)), ref.outputs.encPre[0], 'encPre', 1e-4);
      expectClose(m.emb.forward(ids), ref.outputs.emb[0], 'emb');
      expectClose(m.gn.forward(x.img), ref.outputs.gn[0], 'gn');
      expectClose(m.ln.forward(x.tokens), ref.outputs.ln[0], 'ln');
      expectClose(m.bn.forward(x.feat), ref.outputs.bnEval[0], 'bn eval');
      m.bn.train();
      expectClose(m.bn.forward(x.feat), ref.outputs.bnTrain[0], 'bn train');
      expectClose(m.bn.running_mean, ref.outputs.bnTrain[1], 'bn running_mean');
      expectClose(m.bn.running_var, ref.outputs.bnTrain[2], 'bn running_var');
    });
  });
});

describe('layer errors name the layer and the shape', () => {
  test('embedding index out of range', () => {
    const emb = new nn.Embedding(5, 2);
    expect(() => emb.forward(tg.tensor([1, 5], { dtype: 'int32' }))).toThrow(/embedding: index 5 is out of range for a weight of 5 rows \[5, 2\]/);
    expect(() => F.embedding(tg.tensor([-1], { dtype: 'int32' }), tg.zeros(3, 2))).toThrow(/index -1 is out of range/);
    expect(() => emb.forward(tg.tensor([1.5]))).toThrow(/Embedding: expected int32 indices, got torch.float32/);
  });
  test('LSTM input of the wrong rank or size', () => {
    const lstm = new nn.LSTM(3, 4);
    expect(() => lstm.forward(tg.zeros(2, 3, 4, 3))).toThrow(/LSTM: expected input of 2 dims .* or 3 dims .*, got 4 dims \[2, 3, 4, 3\]/);
    expect(() => lstm.forward(tg.zeros(5, 2, 2))).toThrow(/LSTM: input.size\(-1\) must be equal to input_size. Expected 3, got 2/);
    expect(() => lstm.forward(tg.zeros(5, 2, 3), [tg.zeros(1, 3, 4), tg.zeros(1, 2, 4)])).toThrow(/LSTM: Expected hidden size \[1, 2, 4\], got \[1, 3, 4\]/);
    expect(() => F.lstmCell(tg.zeros(3), [tg.zeros(1, 2), tg.zeros(1, 2)], tg.zeros(8, 3), tg.zeros(8, 2))).toThrow(/lstmCell: expected input of 2 dims \[batch, input_size\], got \[3\]/);
    expect(() => F.gruCell(tg.zeros(1, 3), tg.zeros(1, 2), tg.zeros(5, 3), tg.zeros(6, 2))).toThrow(/gruCell: wIh of shape \[5, 3\] should be \[6, 3\]/);
  });
  test('normalized_shape mismatch and other norm errors', () => {
    expect(() => F.layerNorm(tg.zeros(2, 5), [4])).toThrow(/layerNorm: Given normalized_shape=\[4\], expected input with shape \[\*, 4\], but got input of size \[2, 5\]/);
    expect(() => new nn.LayerNorm(4).forward(tg.zeros(4, 3))).toThrow(/normalized_shape=\[4\]/);
    expect(() => F.groupNorm(tg.zeros(2, 5, 3), 2)).toThrow(/groupNorm: Expected number of channels in input to be divisible by num_groups, but got input of shape \[2, 5, 3\] and num_groups=2/);
    expect(() => new nn.BatchNorm2d(3).forward(tg.zeros(2, 3, 4))).toThrow(/BatchNorm2d: expected 4D input \(got 3D input of shape \[2, 3, 4\]\)/);
    expect(() => new nn.BatchNorm1d(3).forward(tg.zeros(2, 4))).toThrow(/BatchNorm1d: expected 3 channels .* \[2, 4\]/);
    expect(() => F.batchNorm(tg.zeros(1, 3), null, null, null, null, true)).toThrow(/Expected more than 1 value per channel when training, got input size \[1, 3\]/);
    expect(() => F.layerNorm(tg.zeros(2, 4), [4], tg.ones(3))).toThrow(/layerNorm: weight of shape \[3\] does not match normalizedShape \[4\]/);
  });
  test('attention shapes', () => {
    expect(() => F.scaledDotProductAttention(tg.zeros(2, 3), tg.zeros(4, 2), tg.zeros(4, 2))).toThrow(/scaledDotProductAttention: key \[4, 2\] must be \[\.\.\., S, 3\]/);
    expect(() => new nn.MultiheadAttention(6, 4)).toThrow(/embed_dim \(6\) must be divisible by num_heads \(4\)/);
    const mha = new nn.MultiheadAttention(4, 2);
    expect(() => mha.forward(tg.zeros(3, 2, 5), tg.zeros(3, 2, 5), tg.zeros(3, 2, 5))).toThrow(/MultiheadAttention: query has 5 features, expected embed_dim 4/);
  });
});

// grad_fn names as torch 1.13 prints them for the same calls (type(t.grad_fn).__name__).
test("PyTorch's grad_fn names", () => {
  const x = tg.randn(4, 3, 5, { requiresGrad: true });
  const names = {
    batchNorm: F.batchNorm(x, tg.zeros(3), tg.ones(3), null, null, true),
    batchNormEval: F.batchNorm(x, tg.zeros(3), tg.ones(3)),
    layerNorm: F.layerNorm(x, [5]),
    groupNorm: F.groupNorm(x, 3),
    instanceNorm: F.instanceNorm(x),
    embedding: F.embedding(tg.tensor([1, 2], { dtype: 'int32' }), tg.randn(5, 3, { requiresGrad: true })),
    lstmH: F.lstmCell(x.select(2, 0), [tg.zeros(4, 2), tg.zeros(4, 2)], tg.randn(8, 3), tg.randn(8, 2))[0],
    lstmC: F.lstmCell(x.select(2, 0), [tg.zeros(4, 2), tg.zeros(4, 2)], tg.randn(8, 3), tg.randn(8, 2))[1],
    gru: F.gruCell(x.select(2, 0), tg.zeros(4, 2), tg.randn(6, 3), tg.randn(6, 2)),
    rnnTanh: F.rnnTanhCell(x.select(2, 0), tg.zeros(4, 2), tg.randn(2, 3), tg.randn(2, 2)),
    lstmOutput: new nn.LSTM(5, 2).forward(x)[0],
  };
  expect(Object.fromEntries(Object.entries(names).map(([k, t]) => [k, t.gradFn?.name]))).toEqual({
    batchNorm: 'NativeBatchNormBackward0',
    batchNormEval: 'NativeBatchNormBackward0',
    layerNorm: 'NativeLayerNormBackward0',
    groupNorm: 'NativeGroupNormBackward0',
    instanceNorm: 'ViewBackward0',
    embedding: 'EmbeddingBackward0',
    lstmH: 'MulBackward0',
    lstmC: 'AddBackward0',
    gru: 'AddBackward0',
    rnnTanh: 'TanhBackward0',
    lstmOutput: 'StackBackward0',
  });
});

describe('train and eval', () => {
  test('BatchNorm tracks running statistics in training only; momentum null is a cumulative average', () => {
    const bn = new nn.BatchNorm1d(2, { momentum: null });
    const a = tg.tensor([[1, 2], [3, 6]]);
    const b = tg.tensor([[5, 0], [7, 0]]);
    bn.forward(a);
    bn.forward(b);
    // Cumulative average of the batch means (2, 4) and (6, 0), and of the unbiased
    // variances (2, 8) and (2, 0), starting from the first batch: factor 1, then 1/2.
    const rounded = (t: Tensor) => Array.from(t.toTypedArray()).map((v) => Math.round(v * 1e4) / 1e4);
    expect(rounded(bn.running_mean!)).toEqual([4, 2]);
    expect(rounded(bn.running_var!)).toEqual([2, 4]);
    expect(bn.num_batches_tracked!.item()).toBe(2);
    bn.eval();
    // Eval: (x - running_mean) / sqrt(running_var + eps).
    const y = bn.forward(tg.tensor([[4, 4]]));
    expect(Array.from(y.toTypedArray()).map((v) => Math.round(v * 1e4) / 1e4)).toEqual([0, 1]);
    expect(bn.num_batches_tracked!.item()).toBe(2);
  });
  test('LSTM dropout between layers in training only', () => {
    tg.manualSeed(0);
    const lstm = new nn.LSTM(2, 3, { numLayers: 2, dropout: 0.5 });
    const x = tg.randn(4, 1, 2);
    lstm.eval();
    const [a] = lstm.forward(x);
    const [b] = lstm.forward(x);
    expect(Array.from(a.toTypedArray())).toEqual(Array.from(b.toTypedArray()));
    lstm.train();
    const [c] = lstm.forward(x);
    expect(Array.from(c.toTypedArray())).not.toEqual(Array.from(a.toTypedArray()));
  });
});
