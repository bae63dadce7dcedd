// Bad input through the public API (issue 13, items 3-6 and 8): each gives a clear error
// naming the op the user called (or a warning where PyTorch warns), never a crash, a
// silent acceptance or a message from deep inside the library.
import { describe, expect, test } from 'vitest';
import * as tg from '../lib/index';

describe('tensor() of malformed nested arrays (item 3)', () => {
  test('a cyclic array is an error, not an endless loop', () => {
    const a: unknown[] = [1];
    a[0] = a;
    expect(() => tg.tensor(a as tg.NestedArray)).toThrow('tensor: the nested array is cyclic: data[0] is data');
    const b: unknown[] = [[1, 2], [3, 4]];
    (b[0] as unknown[])[0] = b;
    expect(() => tg.tensor(b as tg.NestedArray)).toThrow('tensor: the nested array is cyclic: data[0][0] is data');
    const c: unknown[] = [[1], [2]];
    (c[1] as unknown[])[0] = c; // a cycle off the first path: an array where a number belongs
    expect(() => tg.tensor(c as tg.NestedArray)).toThrow('tensor: element [1][0] is an array; expected a number or a boolean');
  });

  test('ragged and over-deep nesting are errors naming where', () => {
    expect(() => tg.tensor([[1, 2], [3]])).toThrow('tensor: expected sequence of length 2 at dim 1 (got 1 at [1])');
    expect(() => tg.tensor([[1, 2], 3] as tg.NestedArray)).toThrow('tensor: expected sequence of length 2 at dim 1 (got 3 at [1])');
    let deep: tg.NestedArray = 1;
    for (let i = 0; i < 100_000; ++i) deep = [deep];
    expect(() => tg.tensor(deep)).toThrow('tensor: at most 8 dims are supported, got 9');
  });
});

describe('nothing ignored (item 4)', () => {
  test.each([
    ["zeros(2, {device: 'cuda'})", () => tg.zeros(2, { device: 'cuda' }), "zeros: unknown or unsupported device 'cuda' (tensorgrad supports 'cpu' and, on macOS builds, 'mps')"],
    ["ones([2], {device: 'mps'})", () => tg.ones([2], { device: 'mps' }), "ones: device 'mps': this build of tensorgrad does not include the MPS (Metal) backend"],
    ['tensor([1], {device: 42})', () => tg.tensor([1], { device: 42 as never }), "tensor: device must be a string such as 'cpu' or a tg.Device, got 42"],
    ["randn(2, {device: 'cuda:0'})", () => tg.randn(2, { device: 'cuda:0' }), "randn: unknown or unsupported device 'cuda:0'"],
    ["arange(3, {device: 'gpu'})", () => tg.arange(3, { device: 'gpu' }), "arange: unknown or unsupported device 'gpu'"],
    ["full([1], 0, {device: {}})", () => tg.full([1], 0, { device: {} as never }), "full: device must be a string such as 'cpu' or a tg.Device, got Object"],
    ["x.to({device: 42})", () => tg.zeros(1).to({ device: 42 as never }), "to: device must be a string such as 'cpu' or a tg.Device, got 42"],
    ["x.to('cuda')", () => tg.zeros(1).to('cuda'), "to: unknown or unsupported device 'cuda'"],
    ["Linear(2, 3, {device: 'cuda'})", () => new tg.nn.Linear(2, 3, { device: 'cuda' }), "Linear: unknown or unsupported device 'cuda'"],
    ["Linear(2, 3, {bias: 'no'})", () => new tg.nn.Linear(2, 3, { bias: 'no' as never }), 'Linear: bias must be a boolean (true or false), got "no"'],
    ["module.to('mps')", () => new tg.nn.Linear(2, 3).to('mps'), "Module.to: device 'mps': this build of tensorgrad does not include the MPS (Metal) backend"],
    ["module.to('int32')", () => new tg.nn.Linear(2, 3).to('int32'), 'Module.to: nn.Module.to only accepts floating point dtypes, but got desired dtype=int32'],
    ["module.to('float16')", () => new tg.nn.Linear(2, 3).to('float16' as never), "Module.to: unknown dtype or device \"float16\""],
    ["requiresGrad: 'yes'", () => tg.zeros(2, { requiresGrad: 'yes' as never }), 'zeros: requiresGrad must be a boolean (true or false), got "yes"'],
    ["requiresGrad: 1", () => tg.tensor([1.5], { requiresGrad: 1 as never }), 'tensor: requiresGrad must be a boolean (true or false), got 1'],
    ["requiresGrad_('yes')", () => tg.zeros(2).requiresGrad_('yes' as never), 'requiresGrad_: requiresGrad must be a boolean (true or false), got "yes"'],
    ["x.requiresGrad = 'false'", () => (tg.zeros(2).requiresGrad = 'false' as never), 'requiresGrad: requiresGrad must be a boolean (true or false), got "false"'],
    ["setGradEnabled('yes')", () => tg.setGradEnabled('yes' as never), 'setGradEnabled: enabled must be a boolean (true or false), got "yes"'],
    ['setPrintOptions({precision: 1e9})', () => tg.setPrintOptions({ precision: 1e9 }), 'setPrintOptions: precision must be an integer in 0..100, got 1000000000'],
    ['setPrintOptions({threshold: NaN})', () => tg.setPrintOptions({ threshold: NaN }), 'setPrintOptions: threshold must be an integer in 0..Infinity, got NaN'],
    ["setPrintOptions({linewidth: '80'})", () => tg.setPrintOptions({ linewidth: '80' as never }), 'setPrintOptions: linewidth must be an integer in 1..2147483647, got "80"'],
    ['setPrintOptions({linewidth: 0})', () => tg.setPrintOptions({ linewidth: 0 }), 'setPrintOptions: linewidth must be an integer in 1..2147483647, got 0'],
    ["setPrintOptions({sciMode: 'yes'})", () => tg.setPrintOptions({ sciMode: 'yes' as never }), 'setPrintOptions: sciMode must be true, false or null, got "yes"'],
    ["setPrintOptions({profile: 'long'})", () => tg.setPrintOptions({ profile: 'long' as never }), "setPrintOptions: profile must be 'default', 'short' or 'full', got \"long\""],
    ['setPrintOptions({precison: 2})', () => tg.setPrintOptions({ precison: 2 } as never), "setPrintOptions: unknown option 'precison'"],
    ['DataLoader of a dataset of length -3', () => new tg.data.DataLoader({ length: -3, get: () => tg.zeros(1) }), "DataLoader: the dataset's length should be >= 0, got -3"],
  ])('%s', (_what, call, message) => {
    expect(call).toThrow(message);
  });

  test('a rejected setPrintOptions changes nothing; printing still works', () => {
    const before = tg.getPrintOptions();
    expect(() => tg.setPrintOptions({ precision: 2, edgeitems: -1 })).toThrow('setPrintOptions: edgeitems');
    expect(tg.getPrintOptions()).toEqual(before);
    expect(String(tg.tensor([1.5]))).toBe('tensor([1.5000])');
  });

  test('a cpu device is accepted everywhere a device is', () => {
    const cpu = tg.device('cpu');
    expect(tg.zeros(2, { device: 'cpu' }).device.type).toBe('cpu');
    expect(tg.ones(2, { device: cpu }).device.type).toBe('cpu');
    expect(new tg.nn.Linear(1, 1, { device: 'cpu' }).weight.device.type).toBe('cpu');
  });

  test('module.to(dtype) casts floating parameters, gradients and buffers in place; to(device) checks the device', () => {
    const m = new tg.nn.Linear(2, 3);
    const w = m.weight;
    const before = w.tolist() as number[][];
    m.weight.grad = tg.ones(3, 2);
    m.registerBuffer('steps', tg.tensor([1], { dtype: 'int32' }));
    m.registerBuffer('scale', tg.tensor([0.5]));
    expect(m.to('float64')).toBe(m);
    expect(m.weight).toBe(w); // the same Parameter: an optimizer holding it sees the change
    expect([w.dtype, m.bias!.dtype, w.grad!.dtype, w.requiresGrad, w.isLeaf]).toEqual(['float64', 'float64', 'float64', true, true]);
    expect(w.tolist()).toEqual(before); // float32 values are exact in float64
    expect([(m as unknown as { steps: tg.Tensor }).steps.dtype, (m as unknown as { scale: tg.Tensor }).scale.dtype]).toEqual(['int32', 'float64']);
    const y = m.forward(tg.ones(1, 2, { dtype: 'float64' }));
    y.sum().backward();
    expect(w.grad!.tolist()).toEqual([[2, 2], [2, 2], [2, 2]]); // 1 + d(sum y)/dW = 1 + x = 2
    expect(m.to('cpu')).toBe(m);
    expect(m.to({ device: tg.device('cpu'), dtype: 'float32' }).weight.dtype).toBe('float32');
  });

  describe('defineOp: what forward and backward return is checked, naming the op', () => {
    const x = (): tg.Tensor => tg.tensor([1, 2], { requiresGrad: true });
    const op = (backward: (ctx: unknown, g: tg.Tensor) => unknown, forward = (_ctx: unknown, a: tg.Tensor, b: tg.Tensor): unknown => a.mul(b)) =>
      tg.autograd.defineOp({ name: 'MyMulBackward', forward: forward as never, backward: backward as never });
    test.each([
      ['one gradient for two inputs', () => op((_c, g) => [g]), 'function MyMulBackward returned an incorrect number of gradients (expected 2, got 1)'],
      ['three gradients for two inputs', () => op((_c, g) => [g, g, g]), 'function MyMulBackward returned an incorrect number of gradients (expected 2, got 3)'],
      ['a gradient of the wrong shape', () => op((_c, g) => [g, tg.ones(3)]), 'function MyMulBackward returned an invalid gradient at index 1 - got [3] but expected shape compatible with [2]'],
      ['a number as a gradient', () => op((_c, g) => [g, 2]), 'function MyMulBackward returned an invalid gradient at index 1 - expected a Tensor or null, got 2'],
    ])('%s', (_what, make, message) => {
      const f = make();
      expect(() => f(x(), x()).sum().backward()).toThrow(message);
    });
    test('a forward returning a non-tensor', () => {
      const f = op((_c, g) => [g, g], () => [1, 2]);
      expect(() => f(x(), x())).toThrow('MyMulBackward: forward must return a Tensor, got [1, 2]');
      expect(() => f(tg.ones(2), tg.ones(2))).toThrow('MyMulBackward: forward must return a Tensor, got [1, 2]'); // recorded or not
    });
    test('a broadcast gradient is summed to the input, a single tensor needs no array', () => {
      const a = x();
      const twice = tg.autograd.defineOp({ name: 'TwiceBackward', forward: (_c, t: tg.Tensor) => t.mul(2), backward: (_c, g) => g.mul(2).expand(3, 2) as never });
      twice(a).sum().backward();
      expect(a.grad!.tolist()).toEqual([6, 6]); // 3 broadcast rows of 2 each
      expect(() => tg.autograd.defineOp({ name: '', forward: () => tg.ones(1), backward: () => [] })).toThrow('defineOp: name must be a non-empty string');
    });
  });
});

describe('errors name what the user called (item 6)', () => {
  test.each([
    ['allclose of unbroadcastable shapes', () => tg.allclose(tg.ones(2), tg.ones(3)), 'allclose: The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0'],
    ['isclose of unbroadcastable shapes', () => tg.isclose(tg.ones(2), tg.ones(3)), 'isclose: The size of tensor a (2) must match'],
    ["allclose with rtol: '1'", () => tg.allclose(tg.ones(2), tg.ones(2), { rtol: '1' as never }), 'allclose: rtol must be a number, got "1"'],
    ['L1Loss of unbroadcastable shapes', () => new tg.nn.L1Loss().forward(tg.ones(2), tg.ones(3)), 'l1Loss: The size of tensor a (2) must match the size of tensor b (3)'],
    ['Linear(1e6, 1e6)', () => new tg.nn.Linear(1e6, 1e6), 'Linear: [1000000, 1000000] has 1000000000000 elements; at most 2147483647 are supported'],
    // 2^31 - 1 float64 elements are 17179869176 bytes: past the largest Buffer Node makes
    // (2^32 bytes), so this fails at once, without touching memory.
    ['a 16 GiB contiguous copy', () => tg.zeros(1, { dtype: 'float64' }).expand(2 ** 31 - 1).contiguous(), 'out of memory: cannot allocate a [2147483647] float64 tensor (17179869176 bytes)'],
  ])('%s', (_what, call, message) => {
    expect(call).toThrow(message);
  });
});
