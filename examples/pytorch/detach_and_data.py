# Tutorial (b): scalar autograd, updating a parameter through .data, and detach() sharing memory.
import torch

w = torch.tensor(3.0, requires_grad=True)
loss = 2 * w ** 2
loss.backward()
print(loss)
print(w.grad)

# Minimise w**2 + 20 by hand-written gradient descent on w.data.
w = torch.tensor(5.0, requires_grad=True)
lr = 0.1
for i in range(100):
    loss = w ** 2 + 20
    loss.backward()
    w.data = w.data - lr * w.grad
    w.grad.zero_()
    if i % 20 == 0 or i == 99:
        print(i, w, loss)

# detach() shares memory with the original: a write into one shows in the other.
t1 = torch.tensor([1.0, 20.0], requires_grad=True)
t2 = t1.detach()
print(t2)
t1.data[0] = 100
print(t1)
print(t2)
t2[1] = 30
print(t1)
# numpy() shares memory too; copy() makes an independent array.
arr = t1.detach().numpy().copy()
arr[0] = -1
print(t1)
