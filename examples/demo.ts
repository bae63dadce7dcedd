// npm run demo: trains a small MLP to tell two interleaved spirals apart (a dataset made
// here from a fixed seed; nothing is downloaded), with a progress bar showing the running
// loss, then prints the final metrics, an ASCII loss curve and the learned decision map,
// and writes both as a picture (demo.svg; see demo-plot.ts).
//
//   npm run demo -- --epochs 300 --optimizer sgd --lr 0.1
import * as path from 'path';
import { parseArgs } from 'util';
import * as tg from 'tensorgrad';
import { writeDemoPlot } from './demo-plot';
const { nn } = tg;
const { DataLoader, TensorDataset } = tg.data;

const OPTIMIZERS = {
  adam: (p: tg.Tensor[], lr: number) => new tg.optim.Adam(p, { lr }),
  adamw: (p: tg.Tensor[], lr: number) => new tg.optim.AdamW(p, { lr }),
  sgd: (p: tg.Tensor[], lr: number) => new tg.optim.SGD(p, { lr, momentum: 0.9 }),
  rmsprop: (p: tg.Tensor[], lr: number) => new tg.optim.RMSprop(p, { lr }),
  adagrad: (p: tg.Tensor[], lr: number) => new tg.optim.Adagrad(p, { lr }),
};
type OptimizerName = keyof typeof OPTIMIZERS;

const HELP = `usage: npm run demo -- [options]

Fits an MLP with two tanh hidden layers to two interleaved spirals (cross-entropy loss).

options:
  --epochs N        passes over the training set (default 150)
  --batch-size N    samples per step (default 32)
  --lr X            learning rate (default 0.01)
  --optimizer NAME  ${Object.keys(OPTIMIZERS).join(' | ')} (default adam; sgd uses momentum 0.9)
  --seed N          seed for the data, the initial weights and the shuffling (default 0)
  --hidden N        width of the two hidden layers (default 32)
  --points N        points per spiral (default 300)
  --plot FILE       where to write the loss curve and decision map as SVG (default demo.svg;
                    none: no picture)
  -h, --help        show this help`;

function options() {
  const { values } = parseArgs({
    options: {
      epochs: { type: 'string', default: '150' },
      'batch-size': { type: 'string', default: '32' },
      lr: { type: 'string', default: '0.01' },
      optimizer: { type: 'string', default: 'adam' },
      seed: { type: 'string', default: '0' },
      hidden: { type: 'string', default: '32' },
      points: { type: 'string', default: '300' },
      plot: { type: 'string', default: 'demo.svg' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  const int = (name: keyof typeof values, min: number): number => {
    const v = Number(values[name]);
    if (!Number.isInteger(v) || v < min) throw new Error(`--${name} must be an integer >= ${min}, got ${values[name]}`);
    return v;
  };
  const lr = Number(values.lr);
  if (!(lr > 0)) throw new Error(`--lr must be a positive number, got ${values.lr}`);
  const optimizer = values.optimizer as OptimizerName;
  if (!(optimizer in OPTIMIZERS)) throw new Error(`--optimizer must be one of ${Object.keys(OPTIMIZERS).join(', ')}, got ${optimizer}`);
  return {
    epochs: int('epochs', 1),
    batchSize: int('batch-size', 1),
    lr,
    optimizer,
    seed: int('seed', 0),
    hidden: int('hidden', 1),
    points: int('points', 2),
    plot: values.plot === 'none' ? null : values.plot!,
  };
}

/** Two spirals, one per class: radius t, angle 3.5π t (+π for class 1), t in (0, 1], plus noise. */
function spirals(pointsPerClass: number): { x: tg.Tensor; y: tg.Tensor } {
  const t = tg.linspace(0.05, 1, pointsPerClass);
  const arms = [0, 1].map((k) => {
    const angle = t.mul(3.5 * Math.PI).add(k * Math.PI);
    return tg.stack([angle.cos().mul(t), angle.sin().mul(t)], 1);
  });
  const x = tg.cat(arms).add(tg.randn(2 * pointsPerClass, 2).mul(0.03));
  const y = tg.cat([tg.zeros(pointsPerClass, { dtype: 'int32' }), tg.ones(pointsPerClass, { dtype: 'int32' })]);
  return { x, y };
}

function accuracy(model: tg.nn.Module, x: tg.Tensor, y: tg.Tensor): number {
  return tg.noGrad(() => (model.forward(x) as tg.Tensor).argmax(1).eq(y).float().mean().item());
}

/** One line that redraws itself on a terminal; elsewhere a line per tenth of the run. */
function progress(epoch: number, epochs: number, loss: number, started: number): void {
  const width = 30;
  const done = Math.round((epoch / epochs) * width);
  const secs = (performance.now() - started) / 1000;
  const line = `epoch ${String(epoch).padStart(String(epochs).length)}/${epochs} [${'#'.repeat(done)}${'-'.repeat(width - done)}] loss ${loss.toFixed(4)}  ${secs.toFixed(1)}s`;
  if (process.stdout.isTTY) process.stdout.write(`\r${line}${epoch === epochs ? '\n' : ''}`);
  else if (epoch === epochs || epoch % Math.max(1, Math.round(epochs / 10)) === 0) console.log(line);
}

/** The values as a curve of `height` rows over `width` columns (each column a bucket's mean). */
function lossCurve(values: number[], width = 60, height = 10): string {
  const cols = Math.min(width, values.length);
  const means = Array.from({ length: cols }, (_, c) => {
    const bucket = values.slice(Math.floor((c * values.length) / cols), Math.floor(((c + 1) * values.length) / cols));
    return bucket.reduce((a, b) => a + b, 0) / bucket.length;
  });
  const hi = Math.max(...means);
  const lo = Math.min(...means);
  const rowOf = (v: number): number => (hi === lo ? height - 1 : Math.round(((hi - v) / (hi - lo)) * (height - 1)));
  const grid = Array.from({ length: height }, () => Array<string>(cols).fill(' '));
  means.forEach((v, c) => (grid[rowOf(v)][c] = '*'));
  const label = (r: number): number => (r === 0 ? hi : r === height - 1 ? lo : r === (height >> 1) ? (hi + lo) / 2 : NaN);
  const lines = grid.map((row, r) => {
    const v = label(r);
    return `${(Number.isNaN(v) ? '' : v.toFixed(4)).padStart(8)} |${row.join('')}`;
  });
  lines.push(`${''.padStart(8)} +${'-'.repeat(cols)}`);
  lines.push(`${''.padStart(8)}  epoch 1${`epoch ${values.length}`.padStart(cols - 7)}`);
  return lines.join('\n');
}

/** The square the decision map covers: [-EXTENT, EXTENT]^2. */
const EXTENT = 1.2;

/** The model's class at the centre of each cell of a cols x rows grid over the map's
 * square, row by row from the top. */
function predictGrid(model: tg.nn.Module, cols: number, rows: number): number[] {
  const at = (i: number, n: number): number => -EXTENT + (2 * EXTENT * (i + 0.5)) / n;
  const grid = tg.tensor(Array.from({ length: rows * cols }, (_, k) => [at(k % cols, cols), -at(Math.floor(k / cols), rows)]));
  return tg.noGrad(() => (model.forward(grid) as tg.Tensor).argmax(1).tolist()) as number[];
}

/** The model's class over the map's square ('.' for 0, 'o' for 1), with the points on top. */
function decisionMap(model: tg.nn.Module, x: tg.Tensor, y: tg.Tensor, cols = 60, rows = 24): string {
  const chars: string[] = predictGrid(model, cols, rows).map((c) => (c === 0 ? '.' : 'o'));
  const points = x.tolist() as number[][];
  (y.tolist() as number[]).forEach((label, i) => {
    const c = Math.floor(((points[i][0] + EXTENT) / (2 * EXTENT)) * cols);
    const r = Math.floor(((EXTENT - points[i][1]) / (2 * EXTENT)) * rows);
    if (c >= 0 && c < cols && r >= 0 && r < rows) chars[r * cols + c] = label === 0 ? '0' : '1';
  });
  return Array.from({ length: rows }, (_, r) => `  ${chars.slice(r * cols, (r + 1) * cols).join('')}`).join('\n');
}

async function main(): Promise<void> {
  const opts = options();
  tg.manualSeed(opts.seed);
  const { x, y } = spirals(opts.points);
  // A random 80/20 split.
  const order = tg.randperm(x.shape[0]);
  const nTrain = Math.round(0.8 * x.shape[0]);
  const trainIdx = order.narrow(0, 0, nTrain);
  const testIdx = order.narrow(0, nTrain, x.shape[0] - nTrain);
  const [xTrain, yTrain, xTest, yTest] = [x.indexSelect(0, trainIdx), y.indexSelect(0, trainIdx), x.indexSelect(0, testIdx), y.indexSelect(0, testIdx)];

  const model = new nn.Sequential(
    new nn.Linear(2, opts.hidden), new nn.Tanh(),
    new nn.Linear(opts.hidden, opts.hidden), new nn.Tanh(),
    new nn.Linear(opts.hidden, 2),
  );
  const lossFn = new nn.CrossEntropyLoss();
  const optimizer = OPTIMIZERS[opts.optimizer](model.parameters(), opts.lr);
  const loader = new DataLoader(new TensorDataset(xTrain, yTrain), { batchSize: opts.batchSize, shuffle: true });

  console.log(`two spirals: ${nTrain} training and ${x.shape[0] - nTrain} test points; seed ${opts.seed}`);
  console.log(`model: 2-${opts.hidden}-${opts.hidden}-2 MLP (tanh), ${model.parameters().reduce((n, p) => n + p.numel(), 0)} parameters`);
  console.log(`training: ${opts.optimizer}, lr ${opts.lr}, batch size ${opts.batchSize}, ${opts.epochs} epochs (${loader.length} steps each)\n`);

  const epochLosses: number[] = [];
  const started = performance.now();
  for (let epoch = 1; epoch <= opts.epochs; epoch++) {
    let sum = 0;
    let count = 0;
    for (const [xb, yb] of loader) {
      const loss = lossFn.forward(model.forward(xb), yb);
      optimizer.zeroGrad();
      loss.backward();
      optimizer.step();
      sum += loss.item() * xb.shape[0];
      count += xb.shape[0];
    }
    epochLosses.push(sum / count);
    progress(epoch, opts.epochs, sum / count, started);
  }
  const seconds = (performance.now() - started) / 1000;

  const trainLoss = tg.noGrad(() => lossFn.forward(model.forward(xTrain), yTrain).item());
  console.log('\nfinal metrics');
  console.log(`  train loss      ${trainLoss.toFixed(4)}`);
  console.log(`  train accuracy  ${(100 * accuracy(model, xTrain, yTrain)).toFixed(1)}%`);
  console.log(`  test accuracy   ${(100 * accuracy(model, xTest, yTest)).toFixed(1)}%`);
  console.log(`  time            ${seconds.toFixed(2)}s (${((opts.epochs * loader.length) / seconds).toFixed(0)} steps/s)`);
  console.log('\nloss per epoch (mean over its batches)');
  console.log(lossCurve(epochLosses));
  console.log("\ndecision map ('.' / 'o': predicted class 0 / 1; '0' / '1': the points)");
  console.log(decisionMap(model, x, y));

  if (opts.plot === null) return;
  const cells = 60;
  const labels = y.tolist() as number[];
  const points = (x.tolist() as number[][]).map(([px, py], i) => ({ x: px, y: py, label: labels[i] }));
  const written = await writeDemoPlot(opts.plot, { epochLosses, extent: EXTENT, cells: predictGrid(model, cells, cells), cols: cells, rows: cells, points });
  console.log(written ? `\nloss curve and decision map written to ${path.resolve(opts.plot)}` : '\nno picture: vega and vega-lite are not installed (npm install in a checkout brings them)');
}

main().catch((e) => {
  console.error(`demo: ${(e as Error).message}`);
  process.exit(1);
});
