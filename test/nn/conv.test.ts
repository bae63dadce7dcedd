// Convolution and pooling layers beyond the golden cases: argument errors, returnIndices,
// thread-count independence, the modules' reprs, initialisation and containers, and a
// state dict written by real PyTorch loaded into a small CNN (outputs compared).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, expect, test } from 'vitest';
import * as tg from '../../lib/index';
import { TORCH_HINT, hasTorch, runPython } from '../helpers/python';

const F = tg.nn.functional;
const nn = tg.nn;

describe('errors name the op and the offending shapes', () => {
  const x = tg.randn(1, 5, 6, 6);
  test('a conv input with the wrong channel count', () => {
    expect(() => F.conv2d(x, tg.randn(4, 3, 3, 3))).toThrow(/conv2d: Given groups=1, weight of size \[4, 3, 3, 3\], expected input\[1, 5, 6, 6\] to have 3 channels, but got 5 channels instead/);
    expect(() => new nn.Conv2d(3, 8, 3).forward(x)).toThrow(/conv2d: .*expected input\[1, 5, 6, 6\] to have 3 channels/);
    expect(() => F.conv1d(tg.randn(2, 4, 9), tg.randn(6, 1, 3), null, { groups: 2 })).toThrow(/conv1d: Given groups=2, weight of size \[6, 1, 3\], expected input\[2, 4, 9\] to have 2 channels, but got 4/);
    expect(() => F.convTranspose2d(x, tg.randn(3, 2, 3, 3))).toThrow(/convTranspose2d: Given transposed=1, weight of size \[3, 2, 3, 3\], expected input\[1, 5, 6, 6\] to have 3 channels/);
  });
  test('a kernel larger than the padded input', () => {
    expect(() => F.conv2d(tg.randn(1, 2, 4, 4), tg.randn(3, 2, 5, 5), null, { padding: 0 })).toThrow(
      /conv2d: Calculated padded input size per channel: \(4 x 4\)\. Kernel size: \(5 x 5\)\. Kernel size can't be greater than actual input size \(input \[1, 2, 4, 4\], weight \[3, 2, 5, 5\]\)/,
    );
    // Dilation widens the kernel: 3 taps 3 apart span 7 > 6.
    expect(() => F.conv1d(tg.randn(1, 1, 6), tg.randn(1, 1, 3), null, { dilation: 3 })).toThrow(/conv1d: Calculated padded input size per channel: \(6\)\. Kernel size: \(7\)/);
    expect(() => F.maxPool2d(tg.randn(1, 1, 2, 2), 3)).toThrow(/maxPool2d: Given input size: \(1x2x2\)\. Calculated output size: \(1x0x0\)\. Output size is too small/);
  });
  test('other bad arguments', () => {
    expect(() => F.conv2d(tg.randn(2, 3), tg.randn(1, 1, 1, 1))).toThrow(/conv2d: Expected 3D \(unbatched\) or 4D \(batched\) input to conv2d, but got input of size: \[2, 3\]/);
    expect(() => F.conv2d(x, tg.randn(2, 5, 3, 3), null, { stride: 2, padding: 'same' })).toThrow(/padding='same' is not supported for strided convolutions/);
    expect(() => F.conv2d(x, tg.randn(2, 5, 3, 3), tg.randn(3))).toThrow(/expected bias to be 1-dimensional with 2 elements, but got bias of size \[3\]/);
    expect(() => F.conv2d(x, tg.randn([2, 5, 3, 3], { dtype: 'float64' }))).toThrow(/conv2d: Input type \(Float\) and weight type \(Double\) should be the same/);
    expect(() => F.conv2d(x.to('int32'), tg.randn(2, 5, 3, 3))).toThrow(/conv2d: "slow_conv2d_cpu" not implemented for 'Int'/);
    expect(() => F.maxPool2d(x, 2, { padding: 2 })).toThrow(/maxPool2d: pad should be at most half of kernel size, but got pad=2 and kernel_size=2/);
    expect(() => F.convTranspose2d(x, tg.randn(5, 2, 3, 3), null, { outputPadding: 1 })).toThrow(/output padding must be smaller than either stride or dilation/);
    expect(() => F.interpolate(x, { size: 3, scaleFactor: 2 })).toThrow(/either size or scaleFactor should be defined \(and not both\)/);
    expect(() => F.interpolate(x, { size: 3, alignCorners: true })).toThrow(/align_corners option can only be set with the interpolating modes/);
    expect(() => F.fold(tg.randn(1, 4, 5), [3, 3], 2)).toThrow(/expected size of input's dimension 2 to match the calculated number of sliding blocks 2 \* 2 = 4, but got input.size\(2\)=5/);
    expect(() => new nn.Conv2d(3, 8, 3, { paddingMode: 'reflect' as 'zeros' })).toThrow(/Conv2d: paddingMode "reflect" is not supported/);
    expect(() => new nn.Conv2d(3, 8, 3, { groups: 2 })).toThrow(/Conv2d: in_channels must be divisible by groups/);
  });
});

describe('pooling indices', () => {
  test('maxPool1d/2d returnIndices: the first maximal element of each window (hand-derived)', () => {
    // Windows of 2: [1, 3] -> 3 at 1, [3, 3] (tie) -> first at 2, [0, -1] -> 0 at 4.
    const x = tg.tensor([[[1, 3, 3, 3, 0, -1]]]);
    const [v, i] = F.maxPool1d(x, 2, { returnIndices: true });
    expect(Array.from(v.toTypedArray())).toEqual([3, 3, 0]);
    expect(Array.from(i.toTypedArray())).toEqual([1, 2, 4]);
    expect(i.dtype).toBe(tg.int32);
    // 2x2 windows of a 2x4 plane: positions h*W + w.
    const [v2, i2] = F.maxPool2d(tg.tensor([[[[0, 1, 7, 2], [5, 2, 3, 9]]]]), 2, { returnIndices: true });
    expect(Array.from(v2.toTypedArray())).toEqual([5, 9]);
    expect(Array.from(i2.toTypedArray())).toEqual([4, 7]);
  });

  test('a NaN wins its window, as in PyTorch', () => {
    const out = F.maxPool1d(tg.tensor([[[1, NaN, 2, 3]]]), 2);
    expect(Number.isNaN(out.toTypedArray()[0])).toBe(true);
    expect(out.toTypedArray()[1]).toBe(3);
  });
});

describe('convolutions give the same bits for any thread count', () => {
  test('forward, input and weight gradients with 1 and 2 threads', () => {
    const before = tg.getNumThreads();
    const run = (threads: number) => {
      tg.setNumThreads(threads);
      tg.manualSeed(3);
      const x = tg.randn(19, 3, 11, 10).requiresGrad_();
      const w = tg.randn(6, 3, 3, 3).requiresGrad_();
      const y = F.conv2d(x, w, null, { padding: 1, stride: [1, 2] });
      y.backward(tg.randn(...y.shape));
      return [y, x.grad!, w.grad!].map((t) => Array.from(t.toTypedArray()));
    };
    try {
      expect(run(2)).toEqual(run(1));
    } finally {
      tg.setNumThreads(before);
    }
  });
});

describe('modules', () => {
  test("reprs are PyTorch's (printed by torch 1.13)", () => {
    expect(String(new nn.Conv2d(1, 16, 3))).toBe('Conv2d(1, 16, kernel_size=(3, 3), stride=(1, 1))');
    expect(String(new nn.Conv1d(2, 4, 3, 2, 1, 2, 2, false))).toBe('Conv1d(2, 4, kernel_size=(3,), stride=(2,), padding=(1,), dilation=(2,), groups=2, bias=False)');
    expect(String(new nn.Conv2d(2, 4, [3, 5], { padding: 'same' }))).toBe('Conv2d(2, 4, kernel_size=(3, 5), stride=(1, 1), padding=same)');
    expect(String(new nn.ConvTranspose2d(3, 2, 3, { stride: 2, padding: 1, outputPadding: 1 }))).toBe(
      'ConvTranspose2d(3, 2, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), output_padding=(1, 1))',
    );
    expect(String(new nn.MaxPool2d(2))).toBe('MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)');
    expect(String(new nn.MaxPool2d([2, 3], { returnIndices: true }))).toBe('MaxPool2d(kernel_size=(2, 3), stride=(2, 3), padding=0, dilation=1, ceil_mode=False)');
    expect(String(new nn.MaxPool1d(3, 2, 1))).toBe('MaxPool1d(kernel_size=3, stride=2, padding=1, dilation=1, ceil_mode=False)');
    expect(String(new nn.AvgPool1d(3))).toBe('AvgPool1d(kernel_size=(3,), stride=(3,), padding=(0,))');
    expect(String(new nn.AvgPool2d(3, 2, 1, true, false))).toBe('AvgPool2d(kernel_size=3, stride=2, padding=1)');
    expect(String(new nn.AdaptiveAvgPool2d([null, 3]))).toBe('AdaptiveAvgPool2d(output_size=(None, 3))');
    expect(String(new nn.AdaptiveAvgPool2d(1))).toBe('AdaptiveAvgPool2d(output_size=1)');
    expect(String(new nn.AdaptiveMaxPool2d(2))).toBe('AdaptiveMaxPool2d(output_size=2)');
    expect(String(new nn.Flatten())).toBe('Flatten(start_dim=1, end_dim=-1)');
    expect(String(new nn.Unflatten(1, [2, 5]))).toBe('Unflatten(dim=1, unflattened_size=(2, 5))');
    expect(String(new nn.Identity())).toBe('Identity()');
    expect(String(new nn.ModuleList([new nn.Linear(2, 3), new nn.ReLU()]))).toBe(
      'ModuleList(\n  (0): Linear(in_features=2, out_features=3, bias=True)\n  (1): ReLU()\n)',
    );
    expect(String(new nn.ModuleDict({ a: new nn.Linear(2, 3), b: new nn.ReLU() }))).toBe(
      'ModuleDict(\n  (a): Linear(in_features=2, out_features=3, bias=True)\n  (b): ReLU()\n)',
    );
    expect(String(new nn.ParameterList([new nn.Parameter(tg.zeros(3, 4)), new nn.Parameter(tg.zeros([3], { dtype: 'float64' }))]))).toBe(
      'ParameterList(\n    (0): Parameter containing: [torch.float32 of size 3x4]\n    (1): Parameter containing: [torch.float64 of size 3]\n)',
    );
  });

  test('containers: numbering, insertion, state dict keys, shapes', () => {
    const list = new nn.ModuleList([new nn.Linear(2, 3)]);
    list.append(new nn.ReLU()).insert(0, new nn.Identity());
    expect([...list].map((m) => m.constructor.name)).toEqual(['Identity', 'Linear', 'ReLU']);
    expect(list.length).toBe(3);
    expect(list[1]).toBeInstanceOf(nn.Linear);
    class Net extends nn.Module {
      layers = new nn.ModuleList([new nn.Conv2d(1, 2, 3), new nn.Conv2d(2, 2, 1)]);
      heads = new nn.ModuleDict({ cls: new nn.Linear(2, 3) });
      scales = new nn.ParameterList([tg.ones(2)]);
    }
    expect(Object.keys(new Net().stateDict())).toEqual([
      'layers.0.weight', 'layers.0.bias', 'layers.1.weight', 'layers.1.bias', 'heads.cls.weight', 'heads.cls.bias', 'scales.0',
    ]);
    expect(() => new nn.ModuleDict({ train: new nn.ReLU() })).toThrow(/ModuleDict: key "train" would hide ModuleDict.train/);
    expect(new nn.Flatten().forward(tg.zeros(2, 3, 4, 5)).shape).toEqual([2, 60]);
    expect(new nn.Unflatten(1, [3, -1]).forward(tg.zeros(2, 12)).shape).toEqual([2, 3, 4]);
    const m = new nn.MaxPool2d(2, { returnIndices: true }).forward(tg.zeros(1, 1, 4, 4));
    expect(Array.isArray(m)).toBe(true);
  });

  test.skipIf(!hasTorch)(`initialisation after manualSeed is PyTorch's${TORCH_HINT}`, () => {
    const expected = runPython<number[][]>(`
import json, torch, torch.nn as nn
out = []
for make in (lambda: nn.Conv1d(3, 4, 5), lambda: nn.Conv2d(2, 6, (3, 2), groups=2), lambda: nn.ConvTranspose2d(4, 3, 3, groups=1), lambda: nn.Conv2d(1, 2, 3, bias=False)):
    torch.manual_seed(7)
    m = make()
    out.append([float(v) for p in m.parameters() for v in p.detach().flatten()])
print(json.dumps(out))`);
    const makers = [() => new nn.Conv1d(3, 4, 5), () => new nn.Conv2d(2, 6, [3, 2], { groups: 2 }), () => new nn.ConvTranspose2d(4, 3, 3), () => new nn.Conv2d(1, 2, 3, { bias: false })];
    makers.forEach((make, i) => {
      tg.manualSeed(7);
      const got = make().parameters().flatMap((p) => Array.from(p.toTypedArray()));
      expect(got).toEqual(expected[i].map(Math.fround));
    });
  });
});

describe('a state dict written by real PyTorch', () => {
  class SmallCnn extends nn.Module {
    conv1 = new nn.Conv2d(1, 4, 3, { padding: 1 });
    pool = new nn.MaxPool2d(2);
    conv2 = new nn.Conv2d(4, 8, 3, { groups: 2, padding: 'same' });
    up = new nn.ConvTranspose2d(8, 4, 2, { stride: 2 });
    conv3 = new nn.Conv1d(4, 4, 3, { padding: 1 });
    avg = new nn.AvgPool2d(2);
    adapt = new nn.AdaptiveAvgPool2d([3, 3]);
    flatten = new nn.Flatten();
    fc = new nn.Linear(36, 5);
    override forward(x: tg.Tensor): tg.Tensor {
      let h = (this.pool.forward(F.relu(this.conv1.forward(x))) as tg.Tensor);
      h = F.relu(this.conv2.forward(h));
      h = this.up.forward(h);
      const [n, c, hh, ww] = h.shape;
      h = this.conv3.forward(h.reshape(n, c, hh * ww)).reshape(n, c, hh, ww);
      h = F.interpolate(this.avg.forward(h), { scaleFactor: 2, mode: 'bilinear' });
      return this.fc.forward(this.flatten.forward(this.adapt.forward(h)));
    }
  }

  test.skipIf(!hasTorch)(`loads into a CNN and gives PyTorch's outputs${TORCH_HINT}`, () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tg-conv-')), 'cnn.safetensors');
    // Python writes the safetensors file by hand (8-byte header length, JSON header, raw
    // little-endian data), so the test needs no safetensors package.
    runPython(`
import json, struct, sys, torch, torch.nn as nn, torch.nn.functional as F
class SmallCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.conv2 = nn.Conv2d(4, 8, 3, groups=2, padding='same')
        self.up = nn.ConvTranspose2d(8, 4, 2, stride=2)
        self.conv3 = nn.Conv1d(4, 4, 3, padding=1)
        self.avg = nn.AvgPool2d(2)
        self.adapt = nn.AdaptiveAvgPool2d((3, 3))
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(36, 5)
    def forward(self, x):
        h = self.pool(F.relu(self.conv1(x)))
        h = F.relu(self.conv2(h))
        h = self.up(h)
        n, c, hh, ww = h.shape
        h = self.conv3(h.reshape(n, c, hh * ww)).reshape(n, c, hh, ww)
        h = F.interpolate(self.avg(h), scale_factor=2, mode='bilinear')
        return self.fc(self.flatten(self.adapt(h)))
torch.manual_seed(11)
model = SmallCnn()
x = torch.randn(3, 1, 10, 10)
tensors = dict(model.state_dict())
tensors['input'] = x
tensors['output'] = model(x).detach()
header, blobs, offset = {}, [], 0
for name, t in tensors.items():
    data = t.contiguous().numpy().astype('<f4').tobytes()
    header[name] = {'dtype': 'F32', 'shape': list(t.shape), 'data_offsets': [offset, offset + len(data)]}
    blobs.append(data)
    offset += len(data)
head = json.dumps(header).encode()
head += b' ' * (-len(head) % 8)
with open(sys.argv[1], 'wb') as f:
    f.write(struct.pack('<Q', len(head)) + head + b''.join(blobs))
print(json.dumps(list(tensors)))`, [file]);
    const { input, output, ...state } = tg.load(file);
    const model = new SmallCnn();
    expect(String(model.loadStateDict(state))).toBe('<All keys matched successfully>');
    const got = model.forward(input);
    expect(got.shape).toEqual(output.shape);
    const diff = got.sub(output).abs().max().item();
    expect(diff).toBeLessThan(1e-5);
  });
});
