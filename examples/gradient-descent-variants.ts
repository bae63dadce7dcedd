// Seed program 5: one model trained three ways, one DataLoader argument apart: batch
// (the whole dataset per step), stochastic (one sample per step) and mini-batch gradient
// descent. Prints the loss on the whole dataset after each epoch: three loss curves.
// Ported line for line from the PyTorch original, examples/pytorch/gradient_descent_variants.py.
import * as tg from 'tensorgrad';
const { nn } = tg;
const { DataLoader, TensorDataset } = tg.data;

tg.manualSeed(0);
// y = 3 x - 2, plus noise
const X = tg.linspace(-1, 1, 64).reshape(-1, 1);
const Y = X.mul(3).sub(2).add(tg.randn(X.size()).mul(0.1));
const dataset = new TensorDataset(X, Y);

function train(batchSize: number, epochs = 12, lr = 0.05): number[] {
  tg.manualSeed(1);
  const model = new nn.Linear(1, 1);
  const lossFn = new nn.MSELoss();
  const optimizer = new tg.optim.SGD(model.parameters(), { lr });
  const loader = new DataLoader(dataset, { batchSize, shuffle: true });
  const losses: number[] = [];
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (const [xb, yb] of loader) {
      const loss = lossFn.forward(model.forward(xb), yb);
      optimizer.zeroGrad();
      loss.backward();
      optimizer.step();
    }
    tg.noGrad(() => {
      losses.push(lossFn.forward(model.forward(X), Y).item());
    });
  }
  return losses;
}

const curves = {
  'batch': train(dataset.length),
  'stochastic': train(1),
  'mini-batch': train(8),
};
console.log('epoch' + Object.keys(curves).map((name) => name.padStart(12)).join(''));
for (let epoch = 0; epoch < 12; epoch++) {
  console.log(String(epoch + 1).padStart(5) + Object.values(curves).map((losses) => losses[epoch].toFixed(6).padStart(12)).join(''));
}
