// Runs every case of the golden files through one generic runner (see helpers/golden.ts).
import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, test } from 'vitest';
import * as tg from '../lib/index';
import { compareTensor, evaluate, GOLDEN_DIR, loadCases, makeTensor, runRngCase, SHARED_GOLDEN_DIR, type Expr, type RngCase, type TensorSpec, type Tol } from './helpers/golden';

interface OpCase {
  id: string;
  kind?: string;
  expr: Expr;
  tol: Tol;
  inputs: Record<string, TensorSpec>;
  output: TensorSpec;
  cotangent?: TensorSpec;
  grads?: Record<string, TensorSpec>;
}

interface PrintCase {
  id: string;
  kind: 'print';
  expr: Expr | null;
  inputs: Record<string, TensorSpec>;
  repr: string;
  gradFn: string | null;
}

interface TrainCase {
  id: string;
  kind: 'train';
  optimizer: { name: string; options: Record<string, unknown> };
  steps: number;
  tol: Tol;
  loss: Expr;
  params: Record<string, TensorSpec>;
  data: Record<string, TensorSpec>;
  batches?: Record<string, TensorSpec>[];
  expected: { losses: (number | string)[]; params: Record<string, TensorSpec> };
}

function makeInputs(specs: Record<string, TensorSpec>): Record<string, tg.Tensor> {
  return Object.fromEntries(Object.entries(specs).map(([k, v]) => [k, makeTensor(v)]));
}

function runOpCase(c: OpCase): string[] {
  const inputs = makeInputs(c.inputs);
  const out = evaluate(c.expr, inputs) as tg.Tensor;
  const problems = compareTensor(out, c.output, c.tol, 'output');
  if (c.cotangent) {
    out.backward(makeTensor(c.cotangent));
    for (const [name, spec] of Object.entries(c.grads ?? {})) {
      const g = inputs[name].grad;
      if (g === null) problems.push(`grad ${name}: missing`);
      else problems.push(...compareTensor(g, spec, c.tol, `grad ${name}`));
    }
  }
  return problems;
}

/** The README's "Train cases" loop: per step, zero the gradients, evaluate the loss,
 * backward, update (a tg.optim optimizer, or the manual update under noGrad). */
function runTrainCase(c: TrainCase): string[] {
  const params = makeInputs(c.params);
  const data = makeInputs(c.data);
  const batches = c.batches?.map(makeInputs);
  const list = Object.values(params);
  const { name, options } = c.optimizer;
  let zeroGrad: () => void;
  let update: () => void;
  if (name === 'manual') {
    const lr = options.lr as number;
    zeroGrad = () => list.forEach((p) => p.grad?.zero_());
    update = () => tg.noGrad(() => list.forEach((p) => p.sub_(p.grad!.mul(lr))));
  } else {
    const Optim = (tg.optim as unknown as Record<string, new (p: tg.Tensor[], o: unknown) => tg.optim.Optimizer<tg.optim.BaseOptions>>)[name];
    const optimizer = new Optim(list, options);
    zeroGrad = () => optimizer.zeroGrad();
    update = () => optimizer.step();
  }
  const losses: number[] = [];
  for (let i = 0; i < c.steps; ++i) {
    const inputs = { ...data, ...(batches ? batches[i % batches.length] : {}), ...params };
    zeroGrad();
    const loss = evaluate(c.loss, inputs) as tg.Tensor;
    losses.push(loss.item());
    loss.backward();
    update();
  }
  const dtype = list[0].dtype as TensorSpec['dtype'];
  const problems = compareTensor(tg.tensor(losses, { dtype }), { shape: [c.steps], dtype, data: c.expected.losses }, c.tol, 'losses');
  for (const [pname, spec] of Object.entries(c.expected.params)) {
    problems.push(...compareTensor(params[pname], spec, c.tol, `param ${pname}`));
  }
  return problems;
}

const OP_FILES = ['elementwise.json', 'reductions.json', 'linalg.json', 'shape.json', 'nn-functional.json', 'composite.json'];

for (const file of OP_FILES) {
  describe(file, () => {
    const cases = loadCases<OpCase>(file);
    test.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
      expect(runOpCase(c)).toEqual([]);
    });
  });
}

describe('printing.json', () => {
  const cases = loadCases<PrintCase>('printing.json');
  test.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const inputs = makeInputs(c.inputs);
    const result = (c.expr === null ? inputs.x : evaluate(c.expr, inputs)) as tg.Tensor;
    expect(result.toString()).toBe(c.repr);
    expect(result.gradFn?.name ?? null).toBe(c.gradFn);
  });
});

describe('train.json', () => {
  const cases = loadCases<TrainCase>('train.json');
  test.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    expect(runTrainCase(c)).toEqual([]);
  });
});

describe('rng.json', () => {
  const cases = loadCases<RngCase>('rng.json');
  test.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    expect(runRngCase(c)).toEqual([]);
  });
});

describe('the golden runner itself', () => {
  test('reports a value, shape or dtype mismatch', () => {
    const spec: TensorSpec = { shape: [2], dtype: 'float32', data: [1, 'nan'] };
    const tol = { rtol: 1e-5, atol: 1e-6 };
    expect(compareTensor(tg.tensor([1, NaN]), spec, tol, 'x')).toEqual([]);
    expect(compareTensor(tg.tensor([1.001, NaN]), spec, tol, 'x')).toHaveLength(1);
    expect(compareTensor(tg.tensor([1, 0]), spec, tol, 'x')).toHaveLength(1);
    expect(compareTensor(tg.tensor([[1, NaN]]), spec, tol, 'x')).toHaveLength(1);
    expect(compareTensor(tg.tensor([1, NaN], { dtype: 'float64' }), spec, tol, 'x')).toHaveLength(1);
  });

  test('compares float32 data as the float32 its shortest decimal stands for', () => {
    const exact = { rtol: 0, atol: 0 };
    const spec: TensorSpec = { shape: [1], dtype: 'float32', data: [0.1] };
    expect(compareTensor(tg.tensor([0.1]), spec, exact, 'x')).toEqual([]);
    expect(compareTensor(tg.tensor([Math.fround(0.1) * (1 + 2 ** -23)]), spec, exact, 'x')).toHaveLength(1);
  });
});

describe.skipIf(!fs.existsSync(SHARED_GOLDEN_DIR))('the vendored golden files', () => {
  test.each(fs.existsSync(SHARED_GOLDEN_DIR) ? fs.readdirSync(SHARED_GOLDEN_DIR) : [])('%s is an unmodified copy', (file) => {
    const ours = fs.readFileSync(path.join(GOLDEN_DIR, file));
    expect(ours.equals(fs.readFileSync(path.join(SHARED_GOLDEN_DIR, file)))).toBe(true);
  });
});
