// Instruction-count harness for the per-op path (run under valgrind --tool=callgrind,
// which counts instructions repeatably on a busy machine): `node bench/epoch-profile.mjs
// <apples|add|addgrad|none> [iterations]`. 'none' measures the setup to subtract.
import * as tg from 'tensorgrad';

const [mode = 'apples', itersArg = '20000'] = process.argv.slice(2);
const iters = Number(itersArg);

const inputs = tg.tensor([[73, 67, 43], [91, 88, 64], [87, 134, 58], [102, 43, 37], [69, 96, 70]]);
const targets = tg.tensor([[56, 70], [81, 101], [119, 133], [22, 37], [103, 119]]);
const w = tg.tensor([[1.25, 1.375, 0.125], [-1.25, 1.375, -0.625]], { requiresGrad: true });
const b = tg.tensor([0.875, 0.625], { requiresGrad: true });
const x = tg.tensor([[1, 2], [3, 4], [5, 6]], { requiresGrad: mode === 'addgrad' });
const y = tg.tensor([[6, 5], [4, 3], [2, 1]], { requiresGrad: mode === 'addgrad' });

function epoch() {
  const preds = inputs.matmul(w.t()).add(b);
  const diff = preds.sub(targets);
  const loss = diff.mul(diff).sum().div(diff.numel());
  loss.backward();
  tg.noGrad(() => {
    w.sub_(w.grad.mul(1e-5));
    b.sub_(b.grad.mul(1e-5));
    w.grad.zero_();
    b.grad.zero_();
  });
}

if (mode === 'apples') for (let i = 0; i < iters; i++) epoch();
else if (mode === 'add' || mode === 'addgrad') for (let i = 0; i < iters; i++) x.add(y);
