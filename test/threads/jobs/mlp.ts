// A seeded MLP training run, used by the jobs below and, for reference, on the main thread.
import * as tg from '../../../lib/index';

export function makeModel(seed: number): tg.nn.Sequential {
  tg.manualSeed(seed);
  return new tg.nn.Sequential(new tg.nn.Linear(20, 32), new tg.nn.ReLU(), new tg.nn.Linear(32, 4));
}

/** `steps` SGD steps on generated data (from `seed`); calls onStep after each with the loss. */
export function train(model: tg.nn.Module, seed: number, steps: number, onStep: (step: number, loss: number) => void = () => {}): number[] {
  const g = new tg.Generator().manualSeed(seed + 1000);
  const x = tg.randn([64, 20], { generator: g });
  const y = tg.randint(0, 4, [64], { generator: g });
  const opt = new tg.optim.SGD(model.parameters(), { lr: 0.1 });
  const losses: number[] = [];
  for (let step = 1; step <= steps; ++step) {
    opt.zeroGrad();
    const loss = tg.nn.functional.crossEntropy(model.forward(x) as tg.Tensor, y);
    loss.backward();
    opt.step();
    losses.push(loss.item());
    onStep(step, losses[losses.length - 1]);
  }
  return losses;
}
