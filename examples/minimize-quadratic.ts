// Tutorial (c): minimise y = x^2 + 2x + 1 from x = 0 with plain gradient descent.
// Ported line for line from examples/pytorch/minimize_quadratic.py.
import * as tg from 'tensorgrad';

const x = tg.tensor(0.0, { requiresGrad: true });
const lr = 0.1;
for (let epoch = 0; epoch < 20; epoch++) {
  const y = x.pow(2).add(x.mul(2)).add(1);
  y.backward();
  tg.noGrad(() => {
    x.sub_(x.grad!.mul(lr));
  });
  x.grad!.zero_();
  console.log(`epoch ${epoch + 1}: x = ${x.item().toFixed(4)}, y = ${y.item().toFixed(4)}`);
}
console.log(x);
