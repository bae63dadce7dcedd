// Seed program 1: fit y = w * x one sample at a time (stochastic gradient descent), first
// with the gradient derived by hand, then with autograd, updating w through w.data.
// Ported line for line from the PyTorch original, examples/pytorch/w_times_x.py.
import * as tg from 'tensorgrad';

const x_data = [1, 2, 3, 4];
const y_data = [2, 4, 6, 8];

// Our model for the forward pass: a guess for w.
let w = tg.tensor(1.0);

function forward(x: number): tg.Tensor {
  return w.mul(x);
}

// The loss of one sample.
function loss(x: number, y: number): tg.Tensor {
  const y_pred = forward(x);
  return y_pred.sub(y).mul(y_pred.sub(y));
}

// The gradient d loss / d w = 2 x (x w - y), derived by hand.
function gradient(x: number, y: number): tg.Tensor {
  return w.mul(x).sub(y).mul(2 * x);
}

console.log('predict (before training)', 4, forward(4));
let l!: tg.Tensor;
for (let epoch = 0; epoch < 10; epoch++) {
  for (const [i, x_val] of x_data.entries()) {
    const y_val = y_data[i];
    const grad = gradient(x_val, y_val);
    w = w.sub(grad.mul(0.01));
    console.log('\tgrad:', x_val, y_val, grad);
    l = loss(x_val, y_val);
  }
  console.log('progress:', epoch, 'w =', w, 'loss =', l);
}
console.log('predict (after training)', 4, forward(4));

// The same with autograd: w requires grad, backward() computes d loss / d w.
w = tg.tensor([1.0], { requiresGrad: true });
console.log('predict (before training)', 4, forward(4));
for (let epoch = 0; epoch < 10; epoch++) {
  for (const [i, x_val] of x_data.entries()) {
    const y_val = y_data[i];
    l = loss(x_val, y_val);
    l.backward();
    console.log('\tgrad:', x_val, y_val, w.grad);
    w.data = w.data.sub(w.grad!.data.mul(0.01));
    // Manually zero the gradients after updating weights
    w.grad!.data.zero_();
  }
  console.log('progress:', epoch, l);
}
console.log('predict (after training)', 4, forward(4));
