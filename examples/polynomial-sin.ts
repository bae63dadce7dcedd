// Seed program 3: fit y = sin(x) on [-pi, pi] with a third-order polynomial
// y = a + b x + c x^2 + d x^3, computing the forward pass, the loss and the gradients
// by hand with tensors ("Learning PyTorch with Examples: Tensors").
// Ported line for line from the PyTorch original, examples/pytorch/polynomial_sin.py.
import * as tg from 'tensorgrad';

const dtype = tg.float32;
const device = tg.device(tg.backends.mps.isAvailable() ? 'mps' : 'cpu');
tg.manualSeed(0);

// Create random input and output data
const x = tg.linspace(-Math.PI, Math.PI, 2000, { device, dtype });
const y = tg.sin(x);

// Randomly initialize weights
const a = tg.randn([], { device, dtype });
const b = tg.randn([], { device, dtype });
const c = tg.randn([], { device, dtype });
const d = tg.randn([], { device, dtype });

const learning_rate = 1e-6;
for (let t = 0; t < 2000; t++) {
  // Forward pass: compute predicted y
  const y_pred = a.add(b.mul(x)).add(c.mul(x.pow(2))).add(d.mul(x.pow(3)));

  // Compute and print loss
  const loss = y_pred.sub(y).pow(2).sum().item();
  if (t % 100 === 99) {
    console.log(t, loss);
  }

  // Backprop to compute gradients of a, b, c, d with respect to loss
  const grad_y_pred = y_pred.sub(y).mul(2.0);
  const grad_a = grad_y_pred.sum();
  const grad_b = grad_y_pred.mul(x).sum();
  const grad_c = grad_y_pred.mul(x.pow(2)).sum();
  const grad_d = grad_y_pred.mul(x.pow(3)).sum();

  // Update weights using gradient descent
  a.sub_(grad_a.mul(learning_rate));
  b.sub_(grad_b.mul(learning_rate));
  c.sub_(grad_c.mul(learning_rate));
  d.sub_(grad_d.mul(learning_rate));
}

console.log(`Result: y = ${a.item()} + ${b.item()} x + ${c.item()} x^2 + ${d.item()} x^3`);
