// Seed program 2: linear regression from scratch. Predict crop yields of apples and
// oranges (targets) from temperature, rainfall and humidity (inputs) with
// preds = inputs @ w.t() + b, a hand-written mean squared error, and gradient descent.
// Ported line for line from the PyTorch original, examples/pytorch/apples_oranges.py.
import * as tg from 'tensorgrad';

// Input (temp, rainfall, humidity)
const inputs = tg.tensor([[73, 67, 43],
                          [91, 88, 64],
                          [87, 134, 58],
                          [102, 43, 37],
                          [69, 96, 70]], { dtype: tg.float32 });
// Targets (apples, oranges)
const targets = tg.tensor([[56, 70],
                           [81, 101],
                           [119, 133],
                           [22, 37],
                           [103, 119]], { dtype: tg.float32 });

// Weights and biases
tg.manualSeed(42);
const w = tg.randn(2, 3, { requiresGrad: true });
const b = tg.randn(2, { requiresGrad: true });
console.log(w);
console.log(b);

function model(x: tg.Tensor): tg.Tensor {
  return x.matmul(w.t()).add(b);
}

// Generate predictions
let preds = model(inputs);
console.log(preds);
// Compare with targets
console.log(targets);

// MSE loss
function mse(t1: tg.Tensor, t2: tg.Tensor): tg.Tensor {
  const diff = t1.sub(t2);
  return tg.sum(diff.mul(diff)).div(diff.numel());
}

// Compute loss
let loss = mse(preds, targets);
console.log(loss);
// Compute gradients
loss.backward();
// Gradients for weights
console.log(w);
console.log(w.grad);

// Adjust weights & reset gradients
tg.noGrad(() => {
  w.sub_(w.grad!.mul(1e-5));
  b.sub_(b.grad!.mul(1e-5));
  w.grad!.zero_();
  b.grad!.zero_();
});
console.log(w);
console.log(b);

// Calculate loss
preds = model(inputs);
loss = mse(preds, targets);
console.log(loss);

// Train for 100 epochs
for (let i = 0; i < 100; i++) {
  preds = model(inputs);
  loss = mse(preds, targets);
  loss.backward();
  tg.noGrad(() => {
    w.sub_(w.grad!.mul(1e-5));
    b.sub_(b.grad!.mul(1e-5));
    w.grad!.zero_();
    b.grad!.zero_();
  });
}

// Calculate loss
preds = model(inputs);
loss = mse(preds, targets);
console.log(loss);
// Predictions
console.log(preds);
// Targets
console.log(targets);
