# The bench workloads in PyTorch, mirroring bench/workloads.mjs; run by bench/run.mjs.
# Prints one JSON object: {name: median value}. Needs PyTorch (apt-get install -y python3-torch).
#
#   workloads.py [ONLY|--serve] [numpy]
# With `numpy`, runs the W1 GEMM rows in NumPy instead (apt-get install -y python3-numpy,
# and python3-threadpoolctl to name the BLAS kernel, reported as "_blas" in the JSON).
# With --serve, measures the rows named on stdin one at a time (see serve()).
import itertools
import json
import math
import os
import sys
import time

USE_NUMPY = len(sys.argv) > 2 and sys.argv[2] == 'numpy'
if USE_NUMPY:
    import numpy as np
else:
    import torch


def median(xs):
    s = sorted(xs)
    return s[len(s) // 2]


def timed(fn, reps, inner=1):
    """Median seconds per call of fn over reps timed groups of `inner` calls, after a
    warm-up of at least inner/4 calls and 0.25 s (as bench/workloads.mjs does)."""
    t0 = time.perf_counter()
    calls = 0
    while calls < max(1, inner // 4) or time.perf_counter() - t0 < 0.25:
        fn()
        calls += 1
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        for _ in range(inner):
            fn()
        times.append((time.perf_counter() - t0) / inner)
    return median(times)


def gemm_setup(m, k, n, transpose=None):
    def setup():
        if USE_NUMPY:
            rng = np.random.default_rng(0)
            randn = lambda *shape: rng.standard_normal(shape, dtype=np.float32)
            matmul, t = np.matmul, lambda x: x.T
        else:
            randn, matmul, t = torch.randn, torch.matmul, lambda x: x.t()
        a = t(randn(k, m)) if transpose == 'a' else randn(m, k)
        b = t(randn(n, k)) if transpose == 'b' else randn(k, n)
        flops = 2.0 * m * n * k
        return (lambda: matmul(a, b)), 7, max(1, int(2e8 / flops)), lambda s: flops / s / 1e9
    return setup


def blas_kernel():
    """Which BLAS and kernel NumPy runs, e.g. 'openblas 0.3.21 SkylakeX'."""
    try:
        import threadpoolctl
    except ImportError:
        return 'unknown (apt-get install -y python3-threadpoolctl)'
    for lib in threadpoolctl.threadpool_info():
        if lib.get('user_api') == 'blas':
            return f"{lib.get('internal_api')} {lib.get('version')} {lib.get('architecture')}"
    return 'none found'


def add_setup(requires_grad):
    def setup():
        a = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], requires_grad=requires_grad)
        b = torch.tensor([[6.0, 5.0], [4.0, 3.0], [2.0, 1.0]], requires_grad=requires_grad)
        return (lambda: a.add(b)), 9, 20000, us
    return setup


def apples_epoch():
    inputs = torch.tensor([[73, 67, 43], [91, 88, 64], [87, 134, 58], [102, 43, 37], [69, 96, 70]], dtype=torch.float32)
    targets = torch.tensor([[56, 70], [81, 101], [119, 133], [22, 37], [103, 119]], dtype=torch.float32)
    w = torch.tensor([[1.25, 1.375, 0.125], [-1.25, 1.375, -0.625]], requires_grad=True)
    b = torch.tensor([0.875, 0.625], requires_grad=True)

    def epoch():
        preds = inputs @ w.t() + b
        diff = preds - targets
        loss = torch.sum(diff * diff) / diff.numel()
        loss.backward()
        with torch.no_grad():
            w.sub_(w.grad * 1e-5)
            b.sub_(b.grad * 1e-5)
            w.grad.zero_()
            b.grad.zero_()

    return epoch, 9, 2000, us


def polynomial_fit():
    x = torch.linspace(-math.pi, math.pi, 2000)
    y = torch.sin(x)

    def run():
        a = torch.zeros((), requires_grad=True)
        b = torch.zeros((), requires_grad=True)
        c = torch.zeros((), requires_grad=True)
        d = torch.zeros((), requires_grad=True)
        for _ in range(2000):
            y_pred = a + b * x + c * x ** 2 + d * x ** 3
            loss = (y_pred - y).pow(2).sum()
            loss.backward()
            with torch.no_grad():
                for p in (a, b, c, d):
                    p -= 1e-6 * p.grad
                    p.grad = None

    return run, 3, 1, ms


def mlp_step():
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 10))
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    x = torch.randn(128, 784)
    t = torch.randint(0, 10, (128,))

    def step():
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(x), t)
        loss.backward()
        opt.step()

    return step, 9, 20, ms


def cnn_step():
    torch.manual_seed(0)
    nn = torch.nn
    model = nn.Sequential(
        nn.Conv2d(1, 16, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(800, 10),
    )
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    x = torch.randn(64, 1, 28, 28)
    t = torch.randint(0, 10, (64,))

    def step():
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(x), t)
        loss.backward()
        opt.step()

    return step, 9, 10, ms


def lstm_step():
    torch.manual_seed(0)
    lstm = torch.nn.LSTM(32, 128)
    head = torch.nn.Linear(128, 1)
    opt = torch.optim.Adam([*lstm.parameters(), *head.parameters()], lr=1e-3)
    x = torch.randn(20, 32, 32)
    y = torch.randn(32, 1)

    def step():
        opt.zero_grad()
        _, (h, _) = lstm(x)
        loss = torch.nn.functional.mse_loss(head(h[0]), y)
        loss.backward()
        opt.step()

    return step, 9, 5, ms


def encoder_step():
    torch.manual_seed(0)
    layer = torch.nn.TransformerEncoderLayer(128, 4, 512, batch_first=True)
    opt = torch.optim.Adam(layer.parameters(), lr=1e-3)
    x = torch.randn(16, 64, 128)
    y = torch.randn(16, 64, 128)

    def step():
        opt.zero_grad()
        loss = torch.nn.functional.mse_loss(layer(x), y)
        loss.backward()
        opt.step()

    return step, 9, 3, ms


W6_N = 16_000_000


def bandwidth_setup(bytes_per_element, op, reps, inner, tensors=1):
    """As in bench/workloads.mjs: `tensors` inputs taken in turn (3 for the sum, read from memory)."""
    def setup():
        xs = [torch.rand(W6_N) for _ in range(tensors)]
        b = torch.rand(W6_N)
        calls = itertools.count()
        return (lambda: op(xs[next(calls) % tensors], b)), reps, inner, lambda s: bytes_per_element * W6_N / s / 1e9
    return setup


def ms(s):
    return s * 1e3


def us(s):
    return s * 1e6


def embedding_step():
    weight = torch.randn(1000, 16, requires_grad=True)
    ids = torch.randint(0, 1000, (4096,))

    def step():
        weight.grad = None
        torch.nn.functional.embedding(ids, weight).sum().backward()
    return step, 9, 200, us


# Every row in table order: (tag for ONLY, name with the unit, setup). A setup builds the
# inputs and returns (call, reps, inner, figure from seconds per call), as in bench/workloads.mjs.
ROWS = [
    *[('W1', f'W1 matmul {n} (GFLOP/s)', gemm_setup(n, n, n)) for n in (64, 128, 256, 512, 1024, 2048)],
    ('W1', 'W1 mlp fwd 128x784x256 (GFLOP/s)', gemm_setup(128, 784, 256)),
    ('W1', 'W1 mlp dW 784x128x256 AT (GFLOP/s)', gemm_setup(784, 128, 256, transpose='a')),
    ('W1', 'W1 mlp dx 128x256x784 BT (GFLOP/s)', gemm_setup(128, 256, 784, transpose='b')),
    ('W1', 'W1 mlp predict 1x784x256 BT (GFLOP/s)', gemm_setup(1, 784, 256, transpose='b')),  # one row through nn.Linear
    ('W2', 'W2 add 3x2 (µs/op)', add_setup(False)),
    ('W2', 'W2 add 3x2 requiresGrad (µs/op)', add_setup(True)),
    ('W3', 'W3 apples epoch (µs)', apples_epoch),
    ('W4', 'W4 polynomial fit (ms)', polynomial_fit),
    ('W5', 'W5 mlp step (ms)', mlp_step),
    ('W6', 'W6 sum 16M (GB/s)', bandwidth_setup(4, lambda a, b: a.sum(), 25, 5, tensors=3)),
    ('W6', 'W6 add 16M new (GB/s)', bandwidth_setup(12, lambda a, b: a + b, 9, 3)),
    ('W7', 'W7 cnn step (ms)', cnn_step),
    ('W8', 'W8 lstm step (ms)', lstm_step),
    ('W9', 'W9 transformer encoder layer step (ms)', encoder_step),
    ('W10', 'W10 embedding 4096 ids of 1000x16 fwd+bwd (µs)', embedding_step),
]
if USE_NUMPY:
    ROWS = [row for row in ROWS if row[0] == 'W1']


def measure(setup):
    """One measurement of a row: its setup, then the median of its timed groups."""
    fn, reps, inner, figure = setup()
    return figure(timed(fn, reps, inner))


def serve():
    """bench/run.mjs's worker: one line {"rows": [...], "blas" or "threads": ...} on start, then for each
    row name read from stdin one line {"value": figure}, so the caller can interleave this
    library's measurements with its own."""
    setups = {name: setup for _, name, setup in ROWS}
    hello = {'rows': list(setups), 'blas': blas_kernel()} if USE_NUMPY else {'rows': list(setups), 'threads': torch.get_num_threads()}
    print(json.dumps(hello), flush=True)
    for line in sys.stdin:
        print(json.dumps({'value': measure(setups[line.strip()])}), flush=True)


def main():
    # bench/run.mjs runs this once per thread setting (also limiting OpenBLAS/OpenMP by env).
    if not USE_NUMPY and os.environ.get('TG_TORCH_THREADS'):
        torch.set_num_threads(int(os.environ['TG_TORCH_THREADS']))
    if len(sys.argv) > 1 and sys.argv[1] == '--serve':
        serve()
        return
    only = set(sys.argv[1].split(',')) if len(sys.argv) > 1 and sys.argv[1] else None
    out = {name: measure(setup) for tag, name, setup in ROWS if only is None or tag in only}
    if USE_NUMPY:
        out['_blas'] = blas_kernel()
    print(json.dumps(out))


if __name__ == '__main__':
    main()
