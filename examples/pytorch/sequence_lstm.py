# Fits an LSTM forecaster to a generated time series: from a window of 16 past values of a
# noisy sum of two sine waves, predict the next value. One LSTM layer (hidden 24) and a
# linear head on the last hidden state, full-batch Adam on the mean squared error.
# examples/sequence-lstm.ts is its line-for-line port.
import torch
from torch import nn

torch.manual_seed(0)

# The series: 400 points of two sine waves plus a little Gaussian noise.
n_points = 400
t = torch.arange(n_points, dtype=torch.float32)
series = torch.sin(t * 0.1) + 0.5 * torch.sin(t * 0.037 + 1.0) + 0.05 * torch.randn(n_points)

# Windows of 16 values -> the value after each window; time-major for the LSTM: [16, N, 1].
window = 16
n = n_points - window
inputs = torch.stack([series[i:i + window] for i in range(n)], 1).unsqueeze(2)
targets = series[window:].unsqueeze(1)
n_train = 320
x_train, y_train = inputs[:, :n_train], targets[:n_train]
x_test, y_test = inputs[:, n_train:], targets[n_train:]


class Forecaster(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.lstm = nn.LSTM(1, hidden)
        self.head = nn.Linear(hidden, 1)

    def forward(self, x):
        _, (h, c) = self.lstm(x)
        return self.head(h[0])


model = Forecaster(24)
print(model)
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
loss_fn = nn.MSELoss()

for step in range(1, 61):
    optimizer.zero_grad()
    loss = loss_fn(model(x_train), y_train)
    loss.backward()
    optimizer.step()
    if step % 10 == 0:
        print(f'step {step:3d}  train loss {loss.item():.4f}')

model.eval()
with torch.no_grad():
    test_loss = loss_fn(model(x_test), y_test).item()
print(f'test loss {test_loss:.4f} (predicting the last value: {loss_fn(x_test[-1], y_test).item():.4f})')
