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
    expect(() => tg.tensor(c as tg.NestedArray)).toThrow('tensor: element [1][0] is an array; expected a number, a bigint or a boolean');
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
    ["module.to('int32')", () => new tg.nn.Linear(2, 3).to('int32'), 'Module.to: nn.Module.to only accepts floating point dtypes, but got desired dtype=torch.int32'],
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
    ["DataLoader({shuffle: 'yes'})", () => new tg.data.DataLoader({ length: 1, get: () => tg.zeros(1) }, { shuffle: 'yes' as never }), 'DataLoader: shuffle must be a boolean (true or false), got "yes"'],
    ['DataLoader({dropLast: 1})', () => new tg.data.DataLoader({ length: 1, get: () => tg.zeros(1) }, { dropLast: 1 as never }), 'DataLoader: dropLast must be a boolean (true or false), got 1'],
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
    expect([w.dtype, m.bias!.dtype, w.grad!.dtype, w.requiresGrad, w.isLeaf]).toEqual([tg.float64, tg.float64, tg.float64, true, true]);
    expect(w.tolist()).toEqual(before); // float32 values are exact in float64
    expect([(m as unknown as { steps: tg.Tensor }).steps.dtype, (m as unknown as { scale: tg.Tensor }).scale.dtype]).toEqual([tg.int32, tg.float64]);
    const y = m.forward(tg.ones(1, 2, { dtype: 'float64' }));
    y.sum().backward();
    expect(w.grad!.tolist()).toEqual([[2, 2], [2, 2], [2, 2]]); // 1 + d(sum y)/dW = 1 + x = 2
    expect(m.to('cpu')).toBe(m);
    expect(m.to({ device: tg.device('cpu'), dtype: 'float32' }).weight.dtype).toBe(tg.float32);
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

describe("PyTorch's warnings, once per call site (item 8)", () => {
  /** The warnings `fn` emits (process.emitWarning delivers them on the next tick). */
  async function warningsOf(fn: () => void): Promise<string[]> {
    const seen: string[] = [];
    const listener = (w: Error): void => void seen.push(`${w.name}: ${w.message}`);
    process.on('warning', listener);
    try {
      fn();
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', listener);
    }
    return seen;
  }
  const sizeWarning = (op: string, target: string, input: string): string =>
    `UserWarning: ${op}: Using a target size (${target}) that is different to the input size (${input}). ` +
    'This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.';

  test('MSELoss with input [3, 1] and target [3] warns (and broadcasts to [3, 3], as PyTorch), once per call site', async () => {
    const input = tg.tensor([[1], [2], [3]]);
    const target = tg.tensor([1, 2, 3]);
    const loss = new tg.nn.MSELoss();
    let value = 0;
    const first = await warningsOf(() => {
      for (let i = 0; i < 3; ++i) value = loss.forward(input, target).item(); // one call site: one warning
    });
    expect(first).toEqual([sizeWarning('mseLoss', '[3]', '[3, 1]')]);
    // (input_i - target_j)^2 over the 3x3 broadcast: rows 0+1+4, 1+0+1, 4+1+0 = 12, over 9 elements
    expect(value).toBeCloseTo(12 / 9, 6);
    expect(await warningsOf(() => loss.forward(input, target))).toHaveLength(1); // another call site
    expect(await warningsOf(() => loss.forward(input, tg.tensor([[1, 2, 3]])))).toEqual([sizeWarning('mseLoss', '[1, 3]', '[3, 1]')]);
  });

  test('l1Loss, smoothL1Loss and huberLoss warn as PyTorch does; equal shapes do not', async () => {
    const a = tg.ones(2, 1);
    const b = tg.ones(2);
    expect(await warningsOf(() => tg.nn.functional.l1Loss(a, b))).toEqual([sizeWarning('l1Loss', '[2]', '[2, 1]')]);
    expect(await warningsOf(() => tg.nn.functional.smoothL1Loss(a, b))).toEqual([sizeWarning('smoothL1Loss', '[2]', '[2, 1]')]);
    expect(await warningsOf(() => tg.nn.functional.huberLoss(a, b))).toEqual([sizeWarning('huberLoss', '[2]', '[2, 1]')]);
    expect(await warningsOf(() => tg.nn.functional.mseLoss(b, b))).toEqual([]);
  });

  test(".grad of a non-leaf and tg.tensor(aTensor) warn as PyTorch's do", async () => {
    const x = tg.tensor([1, 2], { requiresGrad: true });
    const y = x.mul(2);
    const onGrad = await warningsOf(() => expect(y.grad).toBe(null));
    expect(onGrad).toHaveLength(1);
    expect(onGrad[0]).toMatch(/^UserWarning: grad: The \.grad attribute of a Tensor that is not a leaf Tensor is being accessed/);
    y.retainGrad();
    expect(await warningsOf(() => y.grad)).toEqual([]);
    expect(await warningsOf(() => x.grad)).toEqual([]);
    const copied = await warningsOf(() => tg.tensor(x));
    expect(copied[0]).toMatch(/^UserWarning: tensor: To copy construct from a tensor, it is recommended to use sourceTensor\.clone\(\)\.detach\(\)/);
  });
});

describe('tensors whose memory was detached or shrunk (item 5)', () => {
  const DETACHED = "the tensor's memory was detached (transferred to another thread?) or shrunk (a resized ArrayBuffer)";
  /** A tensor over a typed array whose buffer then goes to a worker thread. */
  async function transferred(values = [1, 2, 3, 4], shape = [values.length]): Promise<tg.Tensor> {
    const data = new Float32Array(values);
    const t = tg.from(data, shape);
    const { MessageChannel } = await import('worker_threads');
    const { port1, port2 } = new MessageChannel();
    port1.postMessage(data.buffer, [data.buffer]); // what postMessage to a Worker does
    port1.close();
    port2.close();
    expect(data.buffer.byteLength).toBe(0);
    return t;
  }
  const reads: [string, (t: tg.Tensor) => unknown][] = [
    ['add', (t) => t.add(1)],
    ['add', (t) => tg.ones(4).add(t)],
    ['mul', (t) => tg.ones(4, { requiresGrad: true }).mul(t)],
    ['exp', (t) => t.exp()],
    ['sum', (t) => t.sum()],
    ['matmul', (t) => t.matmul(t)],
    ['select', (t) => t.select(0, 0).item()],
    ['tolist', (t) => t.tolist()],
    ['toTypedArray', (t) => t.toTypedArray()],
    ['typedArray', (t) => t.typedArray()],
    ['toString', (t) => String(t)],
    ['clone', (t) => t.clone()],
    ['to', (t) => t.to('float64')],
    ['tensor', (t) => tg.tensor(t)],
    ['copy_', (t) => tg.zeros(4).copy_(t)],
    ['save', (t) => tg.save({ t }, '/nonexistent/never-written')],
  ];

  test.each(reads)('%s of a tensor whose buffer was transferred to another thread', async (op, read) => {
    const t = await transferred();
    expect(() => read(t)).toThrow(`${op}: ${DETACHED}`);
  });

  test('item of a one-element tensor whose buffer was transferred', async () => {
    const t = await transferred([5], []);
    expect(() => t.item()).toThrow(`item: ${DETACHED}`);
  });

  test('a tensor over a resizable ArrayBuffer shrunk below it', () => {
    // Resizable ArrayBuffers (ES2024) are newer than the TypeScript lib this project targets.
    type Resizable = ArrayBuffer & { resize(bytes: number): void };
    const buffer = new (ArrayBuffer as unknown as new (bytes: number, options: { maxByteLength: number }) => Resizable)(16, { maxByteLength: 16 });
    const t = tg.from(new Float32Array(buffer)); // length-tracking: it shrinks with the buffer
    const fixed = tg.from(new Float32Array(buffer, 0, 4));
    expect(t.sum().item()).toBe(0);
    buffer.resize(8);
    expect(() => t.sum()).toThrow(`sum: ${DETACHED}`);
    expect(() => fixed.add(1)).toThrow(`add: ${DETACHED}`);
    buffer.resize(16); // grown back: the memory is there again (zeroed, as resize does)
    expect(t.add(1).tolist()).toEqual([1, 1, 1, 1]);
  });
});
