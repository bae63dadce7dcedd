// nn.Module machinery: registration by assignment, traversal, modes, gradients, state
// dicts and reprs; Linear, Sequential and the activation modules.
import { describe, expect, test } from 'vitest';
import * as tg from '../../lib/index';

const { nn } = tg;

/** Fills every parameter with distinct values 0.1, 0.2, ... (no RNG involved). */
function fillDistinct(m: tg.nn.Module): void {
  let k = 0;
  tg.noGrad(() => {
    for (const p of m.parameters()) {
      const n = p.numel();
      p.copy_(tg.arange(k + 1, k + n + 1).float().mul(0.1).reshape(p.shape.slice()));
      k += n;
    }
  });
}

class Net extends nn.Module {
  body = new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU());
  head = new nn.Linear(4, 2, { bias: false });
  scale = new nn.Parameter(tg.ones(1));
  notAParameter = tg.ones(2); // a plain tensor attribute is not registered (as in PyTorch)

  override forward(x: tg.Tensor): tg.Tensor {
    return this.head.forward(this.body.forward(x)).mul(this.scale);
  }
}

describe('registration by assignment', () => {
  test('parameters and children in assignment order, nested names dotted', () => {
    const net = new Net();
    expect(net.namedParameters().map(([n, p]) => [n, p.shape])).toEqual([
      ['scale', [1]],
      ['body.0.weight', [4, 3]],
      ['body.0.bias', [4]],
      ['head.weight', [2, 4]],
    ]);
    expect(net.namedChildren().map(([n]) => n)).toEqual(['body', 'head']);
    expect(net.namedModules().map(([n, m]) => [n, m.constructor.name])).toEqual([
      ['', 'Net'],
      ['body', 'Sequential'],
      ['body.0', 'Linear'],
      ['body.1', 'ReLU'],
      ['head', 'Linear'],
    ]);
    expect(net.parameters(false)).toEqual([net.scale]);
    expect(net.parameters().every((p) => p.requiresGrad && p.isLeaf)).toBe(true);
  });

  test('a parameter or module shared by two attributes is listed once', () => {
    class Tied extends nn.Module {
      a = new nn.Linear(2, 2);
      b = this.a;
    }
    const m = new Tied();
    expect(m.parameters()).toHaveLength(2);
    expect(m.children()).toHaveLength(1);
  });

  test('registerParameter / registerModule / registerBuffer check what they are given', () => {
    const m = new nn.Module();
    expect(() => m.registerParameter('w', tg.ones(2) as tg.nn.Parameter)).toThrow(
      'registerParameter: cannot assign Tensor as parameter "w" (nn.Parameter or null expected)',
    );
    expect(() => m.registerModule('a.b', new nn.ReLU())).toThrow('registerModule: name must be a non-empty string without "."');
    m.registerBuffer('runningMean', tg.zeros(3));
    m.registerBuffer('scratch', tg.zeros(1), { persistent: false });
    expect(m.namedBuffers().map(([n]) => n)).toEqual(['runningMean', 'scratch']);
    expect(Object.keys(m.stateDict())).toEqual(['runningMean']);
  });

  test('forward must be defined by a subclass', () => {
    expect(() => new nn.Module().forward()).toThrow('Module: forward() is not implemented');
  });
});

describe('modes and gradients', () => {
  test('train() and eval() set training on the whole tree', () => {
    const net = new Net();
    expect(net.modules().every((m) => m.training)).toBe(true);
    expect(net.eval()).toBe(net);
    expect(net.modules().some((m) => m.training)).toBe(false);
    net.train();
    expect(net.body.training && net.head.training).toBe(true);
  });

  test('zeroGrad zeroes gradients in place, or drops them with setToNone', () => {
    const net = new Net();
    fillDistinct(net);
    net.forward(tg.ones(2, 3)).sum().backward();
    const g = net.head.weight.grad!;
    expect(g.abs().sum().item()).toBeGreaterThan(0);
    net.zeroGrad();
    expect(net.head.weight.grad).toBe(g); // same tensor, zeroed (PyTorch 1.13's default)
    expect(g.abs().sum().item()).toBe(0);
    net.zeroGrad({ setToNone: true });
    expect(net.parameters().every((p) => p.grad === null)).toBe(true);
  });

  test('zeroGrad cuts a gradient that is part of a graph (createGraph) before zeroing it', () => {
    const w = new nn.Parameter(tg.tensor([3]));
    w.pow(2).sum().backward({ createGraph: true });
    expect(w.grad!.gradFn).not.toBeNull();
    const m = new nn.Module();
    m.registerParameter('w', w);
    m.zeroGrad();
    expect(w.grad!.gradFn).toBeNull();
    expect(w.grad!.item()).toBe(0);
  });
});

describe('stateDict / loadStateDict', () => {
  test('keys are PyTorch\'s; values are detached aliases of the parameters', () => {
    const net = new Net();
    const sd = net.stateDict();
    expect(Object.keys(sd)).toEqual(['scale', 'body.0.weight', 'body.0.bias', 'head.weight']);
    expect(sd['head.weight'].requiresGrad).toBe(false);
    tg.noGrad(() => net.head.weight.fill_(7));
    expect(sd['head.weight'].sum().item()).toBe(7 * 8); // shares storage
  });

  test('round trip into another instance gives the same outputs', () => {
    const a = new Net();
    fillDistinct(a);
    const b = new Net();
    expect(b.loadStateDict(a.stateDict())).toEqual({ missingKeys: [], unexpectedKeys: [] });
    const x = tg.tensor([[1, -2, 3], [0.5, 0.25, -1]]);
    expect(b.forward(x).tolist()).toEqual(a.forward(x).tolist());
  });

  test('missing, unexpected and mismatched keys: one error listing all, nothing copied', () => {
    const net = new Net();
    fillDistinct(net);
    const before = net.head.weight.tolist();
    const sd = { ...net.stateDict(), extra: tg.zeros(1), 'head.weight': tg.zeros(4, 2) };
    delete (sd as Record<string, tg.Tensor>)['body.0.bias'];
    expect(() => net.loadStateDict(sd)).toThrow(
      'loadStateDict: Error(s) in loading state_dict for Net:\n' +
        '\tMissing key(s) in state_dict: "body.0.bias".\n' +
        '\tUnexpected key(s) in state_dict: "extra".\n' +
        '\tsize mismatch for head.weight: copying a param with shape [4, 2] from checkpoint, the shape in current model is [2, 4].',
    );
    expect(net.head.weight.tolist()).toEqual(before);
  });

  test('strict: false loads what matches and reports the rest; dtypes are cast', () => {
    const net = new Net();
    const res = net.loadStateDict({ 'head.weight': tg.full([2, 4], 0.5, { dtype: 'float64' }), other: tg.ones(1) }, { strict: false });
    expect(res).toEqual({ missingKeys: ['scale', 'body.0.weight', 'body.0.bias'], unexpectedKeys: ['other'] });
    expect(net.head.weight.dtype).toBe(tg.float32);
    expect(net.head.weight.sum().item()).toBe(4);
    expect(() => net.loadStateDict({ ...net.stateDict(), scale: 1 as unknown as tg.Tensor })).toThrow('"scale" is 1, not a Tensor.');
  });
});

describe('layers', () => {
  test('Linear: shapes, forward is F.linear, no bias', () => {
    const l = new nn.Linear(3, 2);
    expect([l.weight.shape, l.bias!.shape]).toEqual([[2, 3], [2]]);
    fillDistinct(l);
    // weight [[.1,.2,.3],[.4,.5,.6]], bias [.7,.8]; x = [1, 1, 1]: [.6 + .7, 1.5 + .8]
    const y = l.forward(tg.ones(1, 3));
    expect(y.shape).toEqual([1, 2]);
    expect(y.sub(tg.tensor([[1.3, 2.3]])).abs().max().item()).toBeLessThan(1e-6);
    expect(new nn.Linear(3, 2, { bias: false }).bias).toBeNull();
    expect(new nn.Linear(2, 2, { dtype: 'float64' }).weight.dtype).toBe(tg.float64);
    expect(() => new nn.Linear(-1, 2)).toThrow('Linear: inFeatures must be >= 0, got -1');
  });

  test('Sequential chains its modules and indexes them', () => {
    const seq = new nn.Sequential(new nn.Linear(3, 4), new nn.Tanh(), new nn.Linear(4, 2), new nn.Sigmoid());
    fillDistinct(seq);
    expect(seq.length).toBe(4);
    expect(seq[1]).toBeInstanceOf(nn.Tanh);
    const x = tg.tensor([[0.5, -1, 2]]);
    const l0 = seq[0] as tg.nn.Linear;
    const l2 = seq[2] as tg.nn.Linear;
    const expected = tg.nn.functional.linear(tg.nn.functional.linear(x, l0.weight, l0.bias).tanh(), l2.weight, l2.bias).sigmoid();
    expect(seq.forward(x).tolist()).toEqual(expected.tolist());
    expect(() => seq.append({} as tg.nn.Module)).toThrow('Sequential: Object is not a Module');
  });

  test('activation modules apply their functions', () => {
    const x = tg.tensor([[-1, 0, 2]]);
    expect(new nn.ReLU().forward(x).tolist()).toEqual([[0, 0, 2]]);
    expect(new nn.Softmax(1).forward(x).sum().item()).toBeCloseTo(1, 6);
    // gelu(x) = x Φ(x): gelu(-1) = -0.15865525, gelu(2) = 2 * 0.9772498680518208
    expect((new nn.GELU().forward(x).tolist() as number[][])[0]).toEqual([expect.closeTo(-0.15865525, 6), 0, expect.closeTo(1.95449974, 6)]);
    expect(new nn.GELU({ approximate: 'tanh' }).forward(tg.tensor([0])).item()).toBe(0);
  });

  test("reprs are PyTorch's", () => {
    class Model extends nn.Module {
      body = new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU());
      head = new nn.Linear(4, 2, { bias: false });
    }
    // print(Net()) in PyTorch 1.13 for the same structure (body: Sequential(Linear(3, 4), ReLU()), head: Linear(4, 2, bias=False))
    expect(String(new Model())).toBe(
      'Model(\n' +
        '  (body): Sequential(\n' +
        '    (0): Linear(in_features=3, out_features=4, bias=True)\n' +
        '    (1): ReLU()\n' +
        '  )\n' +
        '  (head): Linear(in_features=4, out_features=2, bias=False)\n' +
        ')',
    );
    expect([new nn.MSELoss(), new nn.GELU(), new nn.Softmax(1), new nn.Tanh()].map(String)).toEqual([
      'MSELoss()',
      "GELU(approximate='none')",
      'Softmax(dim=1)',
      'Tanh()',
    ]);
    expect(String(new nn.Parameter(tg.tensor([1, 2])))).toBe('Parameter containing:\ntensor([1., 2.], requires_grad=True)');
  });
});

describe('random initialisation and Dropout', () => {
  test('Linear draws kaiming-uniform weights and a bias within ±1/√in, reproducibly under manualSeed', () => {
    // kaiming_uniform_(a = √5): bound = gain · √(3 / fan_in), gain = √(2 / (1 + 5)), i.e. 1/√in
    tg.manualSeed(3);
    const a = new nn.Linear(16, 8);
    const bound = 1 / Math.sqrt(16);
    for (const p of [a.weight, a.bias!]) {
      expect(p.abs().max().item()).toBeLessThanOrEqual(bound);
      expect(p.abs().max().item()).toBeGreaterThan(bound / 2);
    }
    tg.manualSeed(3);
    expect(new nn.Linear(16, 8).weight.tolist()).toEqual(a.weight.tolist());
    expect(new nn.Linear(16, 8).weight.tolist()).not.toEqual(a.weight.tolist());
  });

  test('train() and eval() switch Dropout on and off, also inside a model', () => {
    const model = new nn.Sequential(new nn.Linear(4, 4), new nn.Dropout(0.5));
    const drop = model[1] as tg.nn.Dropout;
    const x = tg.ones(200);
    tg.manualSeed(0);
    const y = drop.forward(x);
    const values = new Set(y.tolist() as number[]);
    expect(values).toEqual(new Set([0, 2])); // kept elements are scaled by 1 / (1 - p)
    const zeros = (y.tolist() as number[]).filter((v) => v === 0).length;
    expect(zeros).toBeGreaterThan(60);
    expect(zeros).toBeLessThan(140);
    tg.manualSeed(0);
    expect(drop.forward(x).tolist()).toEqual(y.tolist()); // the same mask from the same seed
    model.eval();
    expect(drop.training).toBe(false);
    expect(drop.forward(x)).toBe(x); // the identity in eval mode
    model.train();
    expect(drop.forward(x).tolist()).not.toEqual(x.tolist());
    expect(String(new nn.Dropout(0.2))).toBe('Dropout(p=0.2, inplace=False)');
    expect(() => new nn.Dropout(1.5)).toThrow('Dropout: dropout probability has to be between 0 and 1, but got 1.5');
  });
});

describe('Parameter', () => {
  test('shares the storage of the tensor it wraps and is a leaf that requires grad', () => {
    const t = tg.zeros(2);
    const p = new nn.Parameter(t);
    tg.noGrad(() => p.fill_(3));
    expect(t.tolist()).toEqual([3, 3]);
    expect(p.isLeaf && p.requiresGrad).toBe(true);
    expect(new nn.Parameter(t, false).requiresGrad).toBe(false);
    expect(() => new nn.Parameter(tg.tensor([1, 2], { dtype: 'int32' }))).toThrow('only Tensors of floating point dtype can require gradients');
  });
});
