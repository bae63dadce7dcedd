// Seed program 4: the same regression as an nn.Module: a bias-free nn.Linear(1, 1), the
// mean squared error loss module and the SGD optimizer do the work.
// Ported line for line from the PyTorch original, examples/pytorch/linear_module.py.
import * as tg from 'tensorgrad';
const { nn } = tg;

tg.manualSeed(2);

// f = w * x with w = 2 to be found
const X = tg.tensor([[1], [2], [3], [4]], { dtype: tg.float32 });
const Y = tg.tensor([[2], [4], [6], [8]], { dtype: tg.float32 });
const X_test = tg.tensor([5], { dtype: tg.float32 });

class LinearRegression extends nn.Module {
  lin: tg.nn.Linear;

  constructor(inputDim: number, outputDim: number) {
    super();
    // define layers
    this.lin = new nn.Linear(inputDim, outputDim, { bias: false });
  }

  override forward(x: tg.Tensor): tg.Tensor {
    return this.lin.forward(x);
  }
}

const model = new LinearRegression(1, 1);
console.log(model);
console.log(`Prediction before training: f(5) = ${model.forward(X_test).item().toFixed(3)}`);

const learning_rate = 0.01;
const n_iters = 100;
const loss = new nn.MSELoss({ reduction: 'mean' });
const optimizer = new tg.optim.SGD(model.parameters(), { lr: learning_rate });

for (let epoch = 0; epoch < n_iters; epoch++) {
  // predict = forward pass
  const y_predicted = model.forward(X);
  // loss
  const l = loss.forward(Y, y_predicted);
  // calculate gradients = backward pass
  l.backward();
  // update weights
  optimizer.step();
  // zero the gradients after updating
  optimizer.zeroGrad();

  if (epoch % 10 === 0) {
    const [w] = model.parameters();
    console.log(`epoch ${epoch + 1}: w = ${w.item().toFixed(3)}, loss = ${l.item().toFixed(8)}`);
  }
}

console.log(`Prediction after training: f(5) = ${model.forward(X_test).item().toFixed(3)}`);
