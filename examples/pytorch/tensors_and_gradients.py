# Tutorial (a): a linear model's gradient by autograd and by hand, then gradient descent in 1-D.
import torch

X = torch.ones(3, 2)
w = torch.tensor([[1.0], [2.0]], requires_grad=True)
b = torch.tensor([1.2], requires_grad=True)
yHat = X @ w + b
print(yHat)

# The targets, and the squared error of the prediction.
y = torch.tensor([[5.0], [3.0], [4.0]])
loss = 0.5 * (y - (X @ w + b)) ** 2
loss.sum().backward(retain_graph=True)
print(w.grad)
print(b.grad)

# The same gradient derived by hand: d/dw 0.5 (y - Xw - b)^2 = (y - Xw - b) * X * -1
manual = ((y - X @ w - b) * X * -1).sum(dim=0, keepdim=True)
print(manual)
print(torch.allclose(manual.t(), w.grad))

# Gradient descent on f(x) = 0.5 (x - 2)^2 + 2, whose minimum is at x = 2.
x = torch.tensor([7.0], requires_grad=True)
lr = 0.25
for step in range(10):
    f = 0.5 * (x - 2) ** 2 + 2
    f.backward()
    with torch.no_grad():
        x -= lr * x.grad
    x.grad.zero_()
    print(step, x, f)
