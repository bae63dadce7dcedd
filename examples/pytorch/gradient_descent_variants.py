# Seed program 5: one model trained three ways, one DataLoader argument apart: batch
# (the whole dataset per step), stochastic (one sample per step) and mini-batch gradient
# descent. Prints the loss on the whole dataset after each epoch: three loss curves.
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
# y = 3 x - 2, plus noise
X = torch.linspace(-1, 1, 64).reshape(-1, 1)
Y = 3 * X - 2 + 0.1 * torch.randn(X.size())
dataset = TensorDataset(X, Y)


def train(batch_size, epochs=12, lr=0.05):
    torch.manual_seed(1)
    model = nn.Linear(1, 1)
    loss_fn = nn.MSELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    loader = DataLoader(dataset, batch_size=batch_size, shuffle=True)
    losses = []
    for epoch in range(epochs):
        for xb, yb in loader:
            loss = loss_fn(model(xb), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        with torch.no_grad():
            losses.append(loss_fn(model(X), Y).item())
    return losses


curves = {
    'batch': train(batch_size=len(dataset)),
    'stochastic': train(batch_size=1),
    'mini-batch': train(batch_size=8),
}
print('epoch' + ''.join(f'{name:>12}' for name in curves))
for epoch in range(12):
    print(f'{epoch + 1:5d}' + ''.join(f'{losses[epoch]:12.6f}' for losses in curves.values()))
