// Fits an LSTM forecaster to a generated time series: from a window of 16 past values of a
// noisy sum of two sine waves, predict the next value. One LSTM layer (hidden 24) and a
// linear head on the last hidden state, full-batch Adam on the mean squared error.
// Ported line for line from the PyTorch original, examples/pytorch/sequence_lstm.py.
import * as tg from 'tensorgrad';
const { nn } = tg;

tg.manualSeed(0);

// The series: 400 points of two sine waves plus a little Gaussian noise.
const nPoints = 400;
const t = tg.arange(nPoints, { dtype: tg.float32 });
const series = t.mul(0.1).sin().add(t.mul(0.037).add(1.0).sin().mul(0.5)).add(tg.randn(nPoints).mul(0.05));

// Windows of 16 values -> the value after each window; time-major for the LSTM: [16, N, 1].
const window = 16;
const n = nPoints - window;
const inputs = tg.stack(Array.from({ length: n }, (_, i) => series.narrow(0, i, window)), 1).unsqueeze(2);
const targets = series.narrow(0, window, n).unsqueeze(1);
const nTrain = 320;
const [xTrain, yTrain] = [inputs.narrow(1, 0, nTrain), targets.narrow(0, 0, nTrain)];
const [xTest, yTest] = [inputs.narrow(1, nTrain, n - nTrain), targets.narrow(0, nTrain, n - nTrain)];

class Forecaster extends nn.Module {
  lstm: tg.nn.LSTM;
  head: tg.nn.Linear;

  constructor(hidden: number) {
    super();
    this.lstm = new nn.LSTM(1, hidden);
    this.head = new nn.Linear(hidden, 1);
  }

  override forward(x: tg.Tensor): tg.Tensor {
    const [, [h]] = this.lstm.forward(x);
    return this.head.forward(h.select(0, 0));
  }
}

const model = new Forecaster(24);
console.log(model.toString());
const optimizer = new tg.optim.Adam(model.parameters(), { lr: 0.01 });
const lossFn = new nn.MSELoss();

for (let step = 1; step <= 60; step++) {
  optimizer.zeroGrad();
  const loss = lossFn.forward(model.forward(xTrain), yTrain);
  loss.backward();
  optimizer.step();
  if (step % 10 === 0) console.log(`step ${String(step).padStart(3)}  train loss ${loss.item().toFixed(4)}`);
}

model.eval();
const testLoss = tg.noGrad(() => lossFn.forward(model.forward(xTest), yTest).item());
console.log(`test loss ${testLoss.toFixed(4)} (predicting the last value: ${lossFn.forward(xTest.select(0, window - 1), yTest).item().toFixed(4)})`);
