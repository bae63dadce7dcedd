# Seed program 1: fit y = w * x one sample at a time (stochastic gradient descent), first
# with the gradient derived by hand, then with autograd, updating w through w.data.
import torch

x_data = [1, 2, 3, 4]
y_data = [2, 4, 6, 8]

# Our model for the forward pass: a guess for w.
w = torch.tensor(1.0)


def forward(x):
    return x * w


# The loss of one sample.
def loss(x, y):
    y_pred = forward(x)
    return (y_pred - y) * (y_pred - y)


# The gradient d loss / d w = 2 x (x w - y), derived by hand.
def gradient(x, y):
    return 2 * x * (x * w - y)


print("predict (before training)", 4, forward(4))
for epoch in range(10):
    for x_val, y_val in zip(x_data, y_data):
        grad = gradient(x_val, y_val)
        w = w - 0.01 * grad
        print("\tgrad:", x_val, y_val, grad)
        l = loss(x_val, y_val)
    print("progress:", epoch, "w =", w, "loss =", l)
print("predict (after training)", 4, forward(4))

# The same with autograd: w requires grad, backward() computes d loss / d w.
w = torch.tensor([1.0], requires_grad=True)
print("predict (before training)", 4, forward(4))
for epoch in range(10):
    for x_val, y_val in zip(x_data, y_data):
        l = loss(x_val, y_val)
        l.backward()
        print("\tgrad:", x_val, y_val, w.grad)
        w.data = w.data - 0.01 * w.grad.data
        # Manually zero the gradients after updating weights
        w.grad.data.zero_()
    print("progress:", epoch, l)
print("predict (after training)", 4, forward(4))
