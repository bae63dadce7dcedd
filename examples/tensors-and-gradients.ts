// Tutorial (a): a linear model's gradient by autograd and by hand, then gradient descent
// in 1-D. Ported line for line from examples/pytorch/tensors_and_gradients.py.
import * as tg from 'tensorgrad';

const X = tg.ones(3, 2);
const w = tg.tensor([[1.0], [2.0]], { requiresGrad: true });
const b = tg.tensor([1.2], { requiresGrad: true });
const yHat = X.matmul(w).add(b);
console.log(yHat);

// The targets, and the squared error of the prediction.
const y = tg.tensor([[5.0], [3.0], [4.0]]);
const loss = y.sub(X.matmul(w).add(b)).pow(2).mul(0.5);
loss.sum().backward({ retainGraph: true });
console.log(w.grad);
console.log(b.grad);

// The same gradient derived by hand: d/dw 0.5 (y - Xw - b)^2 = (y - Xw - b) * X * -1
const manual = y.sub(X.matmul(w)).sub(b).mul(X).mul(-1).sum(0, true);
console.log(manual);
console.log(tg.allclose(manual.t(), w.grad!));

// Gradient descent on f(x) = 0.5 (x - 2)^2 + 2, whose minimum is at x = 2.
const x = tg.tensor([7.0], { requiresGrad: true });
const lr = 0.25;
for (let step = 0; step < 10; step++) {
  const f = x.sub(2).pow(2).mul(0.5).add(2);
  f.backward();
  tg.noGrad(() => {
    x.sub_(x.grad!.mul(lr));
  });
  x.grad!.zero_();
  console.log(step, x, f);
}
