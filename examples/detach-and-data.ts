// Tutorial (b): scalar autograd, updating a parameter through .data, and detach()
// sharing memory. Ported line for line from examples/pytorch/detach_and_data.py.
import * as tg from 'tensorgrad';

let w = tg.tensor(3.0, { requiresGrad: true });
let loss = w.pow(2).mul(2);
loss.backward();
console.log(loss);
console.log(w.grad);

// Minimise w**2 + 20 by hand-written gradient descent on w.data.
w = tg.tensor(5.0, { requiresGrad: true });
const lr = 0.1;
for (let i = 0; i < 100; i++) {
  loss = w.pow(2).add(20);
  loss.backward();
  w.data = w.data.sub(w.grad!.mul(lr));
  w.grad!.zero_();
  if (i % 20 === 0 || i === 99) console.log(i, w, loss);
}

// detach() shares memory with the original: a write into one shows in the other.
// (PyTorch's t1.data[0] = 100 is an indexed write; here: select the element, fill it.)
const t1 = tg.tensor([1.0, 20.0], { requiresGrad: true });
const t2 = t1.detach();
console.log(t2);
t1.data.select(0, 0).fill_(100);
console.log(t1);
console.log(t2);
t2.select(0, 1).fill_(30);
console.log(t1);
// toTypedArray() copies (like numpy().copy()); typedArray() would share the memory.
const arr = t1.detach().toTypedArray();
arr[0] = -1;
console.log(t1);
