# Tutorial (c): minimise y = x^2 + 2x + 1 from x = 0 with plain gradient descent.
import torch

x = torch.tensor(0.0, requires_grad=True)
lr = 0.1
for epoch in range(20):
    y = x ** 2 + 2 * x + 1
    y.backward()
    with torch.no_grad():
        x -= lr * x.grad
    x.grad.zero_()
    print(f"epoch {epoch + 1}: x = {x.item():.4f}, y = {y.item():.4f}")
print(x)
