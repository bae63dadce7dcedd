// The activation modules of the F activations in lib/nn/functional.ts: PyTorch 1.13's
// reprs (printed by torch.nn, copied here), outputs (values by hand), and inplace.
import { describe, expect, test } from 'vitest';
import * as tg from '../../lib';

const nn = tg.nn;
const x = () => tg.tensor([-2, -0.5, 0, 1.5]);

describe('activation modules', () => {
  test("PyTorch's reprs", () => {
    expect(String(new nn.LeakyReLU())).toBe('LeakyReLU(negative_slope=0.01)');
    expect(String(new nn.LeakyReLU(0.2, true))).toBe('LeakyReLU(negative_slope=0.2, inplace=True)');
    expect(String(new nn.SiLU())).toBe('SiLU()');
    expect(String(new nn.SiLU({ inplace: true }))).toBe('SiLU(inplace=True)');
    expect(String(new nn.Softplus())).toBe('Softplus(beta=1, threshold=20)');
    expect(String(new nn.Softplus(2, 10))).toBe('Softplus(beta=2, threshold=10)');
    expect(String(new nn.ELU())).toBe('ELU(alpha=1.0)');
    expect(String(new nn.ELU(0.5, true))).toBe('ELU(alpha=0.5, inplace=True)');
    expect(String(new nn.LogSoftmax(1))).toBe('LogSoftmax(dim=1)');
    expect(String(new nn.LogSoftmax({ dim: -1 }))).toBe('LogSoftmax(dim=-1)');
  });

  test('outputs', () => {
    // leaky: x for x > 0, 0.1 x otherwise; ELU(0.5): 0.5 (e^x - 1) for x <= 0.
    expect((new nn.LeakyReLU(0.1).forward(x()).tolist() as number[]).map((v) => Number((v as number).toFixed(6)))).toEqual([-0.2, -0.05, 0, 1.5]);
    const elu = new nn.ELU(0.5).forward(x()).tolist() as number[];
    expect(elu[0]).toBeCloseTo(0.5 * (Math.exp(-2) - 1), 6);
    expect(elu[3]).toBeCloseTo(1.5, 6);
    // silu(1.5) = 1.5 / (1 + e^-1.5); softplus with beta 2: log(1 + e^(2x)) / 2.
    expect((new nn.SiLU().forward(x()).tolist() as number[])[3]).toBeCloseTo(1.5 / (1 + Math.exp(-1.5)), 6);
    expect((new nn.Softplus(2).forward(x()).tolist() as number[])[1]).toBeCloseTo(Math.log1p(Math.exp(-1)) / 2, 6);
    // log_softmax of [0, ln 3] along the row: log(1/4) and log(3/4).
    const ls = new nn.LogSoftmax(1).forward(tg.tensor([[0, Math.log(3)]])).tolist() as number[][];
    expect(ls[0][0]).toBeCloseTo(Math.log(0.25), 6);
    expect(ls[0][1]).toBeCloseTo(Math.log(0.75), 6);
  });

  test('inplace writes into the input; an unknown option throws naming the module', () => {
    const t = x();
    const out = new nn.LeakyReLU(0.5, true).forward(t);
    expect(t.tolist()).toEqual([-1, -0.25, 0, 1.5]);
    expect(out.tolist()).toEqual([-1, -0.25, 0, 1.5]);
    expect(() => new nn.ELU({ beta: 1 } as never)).toThrow(/ELU.*beta/);
  });
});
