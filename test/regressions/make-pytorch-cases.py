#!/usr/bin/python3
# Writes pytorch-cases.json next to this file: the PyTorch 1.13 results that the
# regression tests of issue 12 compare tensorgrad against (CI then needs no torch).
# Needs Debian's python3-torch (apt-get install -y python3-torch python3-numpy).
# Run: /usr/bin/python3 test/regressions/make-pytorch-cases.py
# Each case id names the issue item; the tensorgrad program for it is in issue12.test.ts.
import json, math, os
import torch
import torch.nn.functional as F

cases = {}


def num(v):
    if isinstance(v, bool):
        return v
    if math.isnan(v):
        return 'nan'
    if math.isinf(v):
        return 'inf' if v > 0 else '-inf'
    return v


def enc(v):
    if isinstance(v, torch.Tensor):
        t = v.detach()
        dtype = {torch.float32: 'float32', torch.float64: 'float64', torch.int64: 'int32', torch.int32: 'int32', torch.bool: 'bool'}[t.dtype]
        data = t.reshape(-1).tolist()
        if dtype == 'float32':  # shortest decimal that rounds to the float32
            data = [float(repr(torch.tensor(x, dtype=torch.float32).item())) for x in data]
            data = [float(f'{x:.9g}') for x in data]
        return {'shape': list(t.shape), 'dtype': dtype, 'data': [num(x) for x in data]}
    if isinstance(v, (list, tuple)):
        return [enc(x) for x in v]
    if isinstance(v, float):
        return num(v)
    return v


def case(id, fn):
    """Records fn()'s result, or {"error": message} if PyTorch raises."""
    try:
        cases[id] = enc(fn())
    except Exception as e:  # noqa: BLE001 - the message is the expectation
        cases[id] = {'error': str(e).split('\n')[0]}


def t(data, **kw):
    return torch.tensor(data, **kw)


def leaf(data, dtype=torch.float32):
    return torch.tensor(data, dtype=dtype, requires_grad=True)


def grad_of(f, data):
    """f(x).backward() for a fresh leaf x; returns x.grad."""
    x = leaf(data)
    f(x).backward()
    return x.grad


def grad_grad(f, data):
    """[g, gg]: g = d sum(f(x)) / dx with create_graph, then gg = d sum(g) / dx."""
    x = leaf(data)
    g, = torch.autograd.grad(f(x).sum(), x, create_graph=True)
    gg, = torch.autograd.grad(g.sum(), x)
    return [g, gg]


# ---- item 1: crossEntropy with weight and labelSmoothing -------------------------------
logits = [[1, 2, 0.5], [0.1, 0.2, 3]]
for red in ['mean', 'sum', 'none']:
    case(f'item1/ce-weight-smoothing/{red}', lambda: (lambda x: [F.cross_entropy(x, t([0, 2]), weight=t([1., 2, 3]), label_smoothing=0.1, reduction=red), torch.autograd.grad(F.cross_entropy(x, t([0, 2]), weight=t([1., 2, 3]), label_smoothing=0.1, reduction=red).sum(), x)[0]])(leaf(logits)))
case('item1/ce-weight-smoothing-ignore/mean', lambda: F.cross_entropy(t(logits + [[0.3, 0.3, 0.1]]), t([0, 2, 1]), weight=t([1., 2, 3]), label_smoothing=0.2, ignore_index=1))
case('item1/ce-smoothing-ignore/mean', lambda: F.cross_entropy(t(logits + [[0.3, 0.3, 0.1]]), t([0, 2, 1]), label_smoothing=0.2, ignore_index=1))
case('item1/ce-weight-smoothing-4d/mean', lambda: F.cross_entropy(t([[[[1., 2]], [[0.5, -1]], [[0, 3]]]]), t([[[2, 0]]]), weight=t([1., 2, 3]), label_smoothing=0.3))

# ---- item 2: second derivatives through in-place ops ----------------------------------
def inplace_case(op):
    def f(x):
        y = x * 1
        getattr(y, op[0])(*[a(x) if callable(a) else a for a in op[1:]])
        return y
    return f


for name, op in {
    'mul_': ['mul_', lambda x: x],
    'div_': ['div_', lambda x: x * x + 1],
    'pow_-scalar': ['pow_', 3],
    'pow_-tensor': ['pow_', lambda x: x],
    'sub_-alpha': ['sub_', lambda x: x * x, ],
}.items():
    case(f'item2/{name}', lambda: grad_grad(inplace_case(op), [1.5, 2.0, 0.5]))


def backward_twice_inplace():
    x = leaf([1.5, 2.0, 0.5])
    y = x * 1
    y.pow_(3)
    g, = torch.autograd.grad(y.sum(), x, create_graph=True)
    (g * g).sum().backward()
    return x.grad


case('item2/pow_-backward-of-grad-squared', backward_twice_inplace)

# ---- item 3: first-order gradients of threshold ops under createGraph -----------------
X3 = [1.5, -2.0, 0.0, 3.0]
case('item3/relu', lambda: grad_grad(lambda x: x.relu(), X3))
case('item3/leakyRelu', lambda: grad_grad(lambda x: F.leaky_relu(x, 0.2), X3))
case('item3/relu_', lambda: grad_grad(lambda x: (x * 1).relu_(), X3))

# ---- item 4: elu/softplus second derivative at large inputs ---------------------------
case('item4/elu', lambda: grad_grad(lambda x: F.elu(x), [100., 0., -2., 1.]))
case('item4/elu-alpha2', lambda: grad_grad(lambda x: F.elu(x, 2.), [-100., 0., -2., 100.]))
case('item4/softplus', lambda: grad_grad(lambda x: F.softplus(x), [100., 0., -2., 30.]))
case('item4/softplus-beta2-threshold5', lambda: grad_grad(lambda x: F.softplus(x, 2., 5.), [100., 0., -2., 3.]))
case('item4/silu', lambda: grad_grad(lambda x: F.silu(x), [100., -100., -2., 1.]))
case('item4/gelu', lambda: grad_grad(lambda x: F.gelu(x), [100., -100., -2., 1.]))
case('item4/sigmoid', lambda: grad_grad(lambda x: x.sigmoid(), [100., -100., -2., 1.]))
case('item4/bceWithLogits', lambda: grad_grad(lambda x: F.binary_cross_entropy_with_logits(x, t([1., 0, 1, 0])), [100., -100., -2., 1.]))

# ---- item 5: max()/min() backward with NaN or an infinite downstream gradient ---------
NAN = float('nan')
case('item5/max-nan', lambda: grad_of(lambda x: x.max(), [1., NAN, 2.]))
case('item5/min-nan', lambda: grad_of(lambda x: x.min(), [1., NAN, 2., NAN]))
case('item5/min-sqrt', lambda: grad_of(lambda x: x.min().sqrt(), [0., 1., 2.]))
case('item5/min-tie-sqrt', lambda: grad_of(lambda x: x.min().sqrt(), [0., 0., 2.]))
case('item5/max-neg-sqrt', lambda: grad_of(lambda x: (-x).max().sqrt(), [0., 1., 2.]))
case('item5/amin-sqrt', lambda: grad_of(lambda x: x.amin().sqrt(), [0., 1., 2.]))
case('item5/amax-nan', lambda: grad_of(lambda x: x.amax(), [1., NAN, 2.]))
case('item5/maxdim-nan', lambda: grad_of(lambda x: x.reshape(1, 3).max(1).values.sum(), [1., NAN, 2.]))
case('item5/norm-inf-nan', lambda: grad_of(lambda x: x.norm(float('inf')), [1., NAN, -2.]))
case('item5/norm-inf-zeros-sqrt', lambda: grad_of(lambda x: x.norm(float('inf')).sqrt(), [0., 0., 0.]))
case('item5/maximum-sqrt', lambda: grad_of(lambda x: torch.maximum(x, torch.zeros(3)).sqrt().sum(), [0., -1, 2.]))
case('item5/relu-sqrt', lambda: grad_of(lambda x: x.relu().sqrt().sum(), [0., -1, 2.]))
case('item5/clamp-sqrt', lambda: grad_of(lambda x: x.clamp(min=0).sqrt().sum(), [0., -1, 2.]))
case('item5/where-sqrt', lambda: grad_of(lambda x: torch.where(x > 0, x, torch.zeros(3)).sqrt().sum(), [0., -1, 2.]))

# ---- item 6: norm(p) at zeros, pow(0, e) w.r.t. e, copy_ backward ---------------------
for p in [0.5, 1.5, 3., 2.]:
    case(f'item6/norm-p{p}', lambda: grad_of(lambda x: x.norm(p), [0., 1., -2.]))
    case(f'item6/norm-p{p}-allzero', lambda: grad_of(lambda x: x.norm(p), [0., 0.]))
    case(f'item6/norm-p{p}-dim', lambda: grad_of(lambda x: x.reshape(2, 2).norm(p, 1).sum(), [0., 1., 0., 0.]))
case('item6/pow-base0', lambda: grad_of(lambda e: torch.pow(0., e).sum(), [0., 1., -1., 2.5]))
case('item6/pow-base2', lambda: grad_of(lambda e: torch.pow(2., e).sum(), [0., 1., -1., 2.5]))
case('item6/pow-tensor-exponent-grad', lambda: grad_of(lambda e: torch.pow(t([0., 0., 2., 0.]), e).sum(), [0., -1., 0.5, 2.]))
case('item6/pow-tensor-base-grad', lambda: grad_of(lambda x: torch.pow(x, t([0., -1., 0.5, 2.])).sum(), [0., 0., 2., 0.]))


def copy_case(src_data):
    s = leaf(src_data)
    d = leaf([5., 5.])
    dd = d * 1
    dd.copy_(s)
    dd.sqrt().sum().backward()
    return [d.grad, s.grad]


case('item6/copy_', lambda: copy_case([1., 2.]))
case('item6/copy_-inf-grad', lambda: copy_case([0., 2.]))


def fill_case(op):
    d = leaf([5., 5.])
    dd = d * 1
    getattr(dd, op)(*([0.] if op == 'fill_' else []))
    dd.sqrt().sum().backward()
    return d.grad


case('item6/fill_-inf-grad', lambda: fill_case('fill_'))
case('item6/zero_-inf-grad', lambda: fill_case('zero_'))

# ---- item 7: sign(NaN) ----------------------------------------------------------------
case('item7/sign', lambda: t([NAN, -0., 2., -3., 0.]).sign())
case('item7/sign-f64', lambda: t([NAN, -0., 2., -3., 0.], dtype=torch.float64).sign())
case('item7/abs-grad', lambda: grad_of(lambda x: x.abs().sum(), [NAN, 0., -2.]))
case('item7/l1Loss-grad', lambda: grad_of(lambda x: F.l1_loss(x, torch.zeros(3)), [NAN, 0., -2.]))
case('item7/norm1-grad', lambda: grad_of(lambda x: x.norm(1), [NAN, 0., -2.]))
case('item7/smoothL1-beta0-grad', lambda: grad_of(lambda x: F.smooth_l1_loss(x, torch.zeros(3), beta=0.), [NAN, 0., -2.]))

# ---- item 8: mean nll/crossEntropy when every target is ignored -----------------------
case('item8/nll-all-ignored', lambda: (lambda x: [F.nll_loss(x, t([-100, -100])), torch.autograd.grad(F.nll_loss(x, t([-100, -100])), x)[0]])(leaf([[1., 2], [3, 4]])))
case('item8/ce-all-ignored', lambda: (lambda x: [F.cross_entropy(x, t([1, 1]), ignore_index=1), torch.autograd.grad(F.cross_entropy(x, t([1, 1]), ignore_index=1), x)[0]])(leaf([[1., 2], [3, 4]])))
case('item8/ce-all-ignored-smoothing', lambda: (lambda x: [F.cross_entropy(x, t([1, 1]), ignore_index=1, label_smoothing=0.1), torch.autograd.grad(F.cross_entropy(x, t([1, 1]), ignore_index=1, label_smoothing=0.1), x)[0]])(leaf([[1., 2], [3, 4]])))
case('item8/ce-all-ignored-weight', lambda: (lambda x: [F.cross_entropy(x, t([1, 1]), ignore_index=1, weight=t([2., 3.])), torch.autograd.grad(F.cross_entropy(x, t([1, 1]), ignore_index=1, weight=t([2., 3.])), x)[0]])(leaf([[1., 2], [3, 4]])))

if __name__ == '__main__':
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'pytorch-cases.json')
    with open(out, 'w') as f:
        json.dump({'generator': 'test/regressions/make-pytorch-cases.py', 'torch': torch.__version__, 'cases': cases}, f, indent=1)
        f.write('\n')
    print(f'{len(cases)} cases -> {out}')
