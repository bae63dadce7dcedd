# Seed program 4: the same regression as an nn.Module: a bias-free nn.Linear(1, 1), the
# mean squared error loss module and the SGD optimizer do the work.
import torch
import torch.nn as nn

torch.manual_seed(2)

# f = w * x with w = 2 to be found
X = torch.tensor([[1], [2], [3], [4]], dtype=torch.float32)
Y = torch.tensor([[2], [4], [6], [8]], dtype=torch.float32)
X_test = torch.tensor([5], dtype=torch.float32)


class LinearRegression(nn.Module):
    def __init__(self, input_dim, output_dim):
        super().__init__()
        # define layers
        self.lin = nn.Linear(input_dim, output_dim, bias=False)

    def forward(self, x):
        return self.lin(x)


model = LinearRegression(1, 1)
print(model)
print(f'Prediction before training: f(5) = {model(X_test).item():.3f}')

learning_rate = 0.01
n_iters = 100
loss = nn.MSELoss(reduction='mean')
optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)

for epoch in range(n_iters):
    # predict = forward pass
    y_predicted = model(X)
    # loss
    l = loss(Y, y_predicted)
    # calculate gradients = backward pass
    l.backward()
    # update weights
    optimizer.step()
    # zero the gradients after updating
    optimizer.zero_grad()

    if epoch % 10 == 0:
        [w] = model.parameters()
        print(f'epoch {epoch + 1}: w = {w.item():.3f}, loss = {l.item():.8f}')

print(f'Prediction after training: f(5) = {model(X_test).item():.3f}')
