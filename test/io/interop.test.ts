// Files exchanged with Python for real: NumPy and PyTorch write, tensorgrad reads, and
// the reverse. safetensors is written and read in Python with struct + json + numpy (the
// safetensors package may be absent), which also checks our reading of the format spec.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, expect, test } from 'vitest';
import * as tg from '../../lib/index';
import { hasTorch, runPython, TORCH_HINT } from '../helpers/python';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-interop-'));
const at = (name: string): string => path.join(tmp, name);

/** Python helpers: a minimal safetensors writer/reader and a JSON view of arrays. */
const PY_PRELUDE = String.raw`
import json, struct, sys
import numpy as np
import torch
DT = {'F32': np.float32, 'F64': np.float64, 'I32': np.int32, 'I64': np.int64, 'BOOL': np.bool_}
NAME = {np.dtype(v): k for k, v in DT.items()}
def st_write(path, arrays):
    header, blobs, off = {'__metadata__': {'format': 'pt'}}, [], 0
    for name, a in arrays.items():
        b = np.ascontiguousarray(a).astype(a.dtype.newbyteorder('<')).tobytes()
        header[name] = {'dtype': NAME[a.dtype], 'shape': list(a.shape), 'data_offsets': [off, off + len(b)]}
        blobs.append(b); off += len(b)
    h = json.dumps(header).encode()
    h += b' ' * (-(8 + len(h)) % 8)
    open(path, 'wb').write(struct.pack('<Q', len(h)) + h + b''.join(blobs))
def st_read(path):
    data = open(path, 'rb').read()
    n = struct.unpack('<Q', data[:8])[0]
    header = json.loads(data[8:8 + n])
    meta = header.pop('__metadata__', {})
    out = {}
    for name, e in header.items():
        b, end = e['data_offsets']
        out[name] = np.frombuffer(data[8 + n + b: 8 + n + end], dtype=np.dtype(DT[e['dtype']]).newbyteorder('<')).reshape(e['shape'])
    return out, meta
def js(a):
    a = np.asarray(a)
    return {'dtype': str(a.dtype), 'shape': list(a.shape), 'data': a.astype(np.float64).ravel().tolist() if a.dtype != np.bool_ else a.ravel().tolist()}
`;

function spec(t: tg.Tensor): { dtype: string; shape: number[]; data: (number | boolean)[] } {
  const data = Array.from(t.toTypedArray() as ArrayLike<number | bigint>, (v) => (t.dtype === tg.bool ? v !== 0 : Number(v)));
  return { dtype: t.dtype.name, shape: t.shape.slice(), data }; // NumPy's dtype names are tensorgrad's
}

describe.skipIf(!hasTorch)(`interop with NumPy and PyTorch${TORCH_HINT}`, () => {
  test('reads .npy files NumPy writes (dtypes, Fortran order, big-endian, 0-d, empty)', () => {
    const arrays = runPython<Record<string, ReturnType<typeof spec>>>(
      PY_PRELUDE +
        String.raw`
d = sys.argv[1]
arrays = {
  'f32': np.arange(6, dtype=np.float32).reshape(2, 3) / 7,
  'f64': np.array(np.pi),
  'i32': np.array([-5, 0, 2**31 - 1], dtype=np.int32),
  'i64': np.arange(4).reshape(2, 2),
  'bool': np.array([True, False, True]),
  'fortran': np.asfortranarray(np.arange(12, dtype=np.float32).reshape(3, 4)),
  'bigendian': np.array([1.5, -2.25], dtype='>f8'),
  'empty': np.zeros((0, 3), dtype=np.float32),
}
for k, a in arrays.items(): np.save(f'{d}/np-{k}.npy', a)
print(json.dumps({k: js(a) for k, a in arrays.items()}))
`,
      [tmp],
    );
    const dtypeOf: Record<string, string> = { float32: 'float32', float64: 'float64', int32: 'int32', int64: 'int64', bool: 'bool', '>f8': 'float64' };
    for (const [name, want] of Object.entries(arrays)) {
      const t = tg.loadNpy(at(`np-${name}.npy`));
      expect([name, t.dtype.name, t.shape]).toEqual([name, dtypeOf[want.dtype], want.shape]);
      const got = spec(t).data;
      want.data.forEach((v, i) => (typeof v === 'boolean' ? expect(got[i]).toBe(v) : expect(got[i]).toBeCloseTo(v as number, t.dtype === tg.float32 ? 6 : 14)));
    }
  });

  test('NumPy reads the .npy files tensorgrad writes', () => {
    const tensors: Record<string, tg.Tensor> = {
      f32: tg.tensor([[0.1, -2], [3, 4e-20]]),
      f64: tg.tensor([Math.E], { dtype: 'float64' }),
      i32: tg.tensor([[1], [-2]], { dtype: 'int32' }),
      bool: tg.tensor([false, true]),
      scalar: tg.tensor(7),
      strided: tg.arange(6).float().reshape(2, 3).t(),
    };
    for (const [k, t] of Object.entries(tensors)) tg.saveNpy(t, at(`tg-${k}.npy`));
    const back = runPython<Record<string, ReturnType<typeof spec>>>(
      PY_PRELUDE + `print(json.dumps({k: js(np.load(f'{sys.argv[1]}/tg-{k}.npy')) for k in sys.argv[2:]}))`,
      [tmp, ...Object.keys(tensors)],
    );
    for (const [k, t] of Object.entries(tensors)) {
      expect([k, back[k].dtype, back[k].shape]).toEqual([k, t.dtype.name, t.shape]);
      expect(back[k].data).toEqual(spec(t).data.map((v) => (t.dtype === tg.float32 ? Math.fround(v as number) : v)));
    }
  });

  test('reads safetensors written in Python; a torch.nn.Linear state dict loads into nn.Linear', () => {
    const out = runPython<{ arrays: Record<string, ReturnType<typeof spec>>; y: ReturnType<typeof spec> }>(
      PY_PRELUDE +
        String.raw`
d = sys.argv[1]
torch.manual_seed(0)
lin = torch.nn.Linear(3, 2)
st_write(f'{d}/torch-linear.safetensors', {k: v.detach().numpy() for k, v in lin.state_dict().items()})
x = torch.tensor([[0.5, -1.0, 2.0], [3.0, 0.0, -0.25]])
arrays = {'f32': np.linspace(-1, 1, 5, dtype=np.float32), 'f64': np.array([[1e-300, -0.0]]), 'i32': np.array([7, -8], dtype=np.int32),
          'i64': np.array([[1, 2, 3]]), 'flags': np.array([True, False])}
st_write(f'{d}/py.safetensors', arrays)
print(json.dumps({'arrays': {k: js(a) for k, a in arrays.items()}, 'y': js(lin(x).detach().numpy())}))
`,
      [tmp],
    );
    const loaded = tg.load(at('py.safetensors'));
    for (const [k, want] of Object.entries(out.arrays)) {
      expect([k, spec(loaded[k]).shape, spec(loaded[k]).data]).toEqual([k, want.shape, want.data]);
    }
    expect(loaded.i64.dtype).toBe(tg.int64);
    const lin = new tg.nn.Linear(3, 2);
    lin.loadStateDict(tg.load(at('torch-linear.safetensors')));
    const y = lin.forward(tg.tensor([[0.5, -1, 2], [3, 0, -0.25]]));
    spec(y).data.forEach((v, i) => expect(v).toBeCloseTo(out.y.data[i] as number, 6));
  });

  test('Python reads the safetensors tensorgrad writes; PyTorch runs the saved model', () => {
    const model = new tg.nn.Sequential(new tg.nn.Linear(3, 4), new tg.nn.ReLU(), new tg.nn.Linear(4, 2));
    tg.noGrad(() => model.parameters().forEach((p, i) => p.copy_(tg.arange(p.numel()).float().mul(0.61 * (i + 1)).cos().reshape(p.shape.slice()))));
    tg.save(model.stateDict(), at('tg-model.safetensors'));
    const extra = { f64: tg.tensor([[Math.PI, -1e-300]], { dtype: 'float64' }), i32: tg.tensor([3, -4], { dtype: 'int32' }), flags: tg.tensor([true, false, true]) };
    tg.save(extra, at('tg-extra.safetensors'));
    const x = tg.tensor([[0.5, -1, 2], [3, 0, -0.25]]);
    const out = runPython<{ y: ReturnType<typeof spec>; extra: Record<string, ReturnType<typeof spec>>; meta: unknown }>(
      PY_PRELUDE +
        String.raw`
d = sys.argv[1]
sd, meta = st_read(f'{d}/tg-model.safetensors')
model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
model.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in sd.items()})
x = torch.tensor([[0.5, -1.0, 2.0], [3.0, 0.0, -0.25]])
extra, _ = st_read(f'{d}/tg-extra.safetensors')
try:
    from safetensors.numpy import load_file  # the reference reader, when installed
    assert all(np.array_equal(load_file(f'{d}/tg-extra.safetensors')[k], v) for k, v in extra.items())
except ImportError:
    pass
print(json.dumps({'y': js(model(x).detach().numpy()), 'extra': {k: js(v) for k, v in extra.items()}, 'meta': meta}))
`,
      [tmp],
    );
    expect(out.meta).toEqual({ format: 'pt' });
    spec(model.forward(x)).data.forEach((v, i) => expect(v).toBeCloseTo(out.y.data[i] as number, 6));
    for (const [k, t] of Object.entries(extra)) expect([k, out.extra[k]]).toEqual([k, spec(t)]);
  });
});
