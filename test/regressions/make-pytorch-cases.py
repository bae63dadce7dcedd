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
        # The first line, without PyTorch's pointer to anomaly detection (tensorgrad has none).
        cases[id] = {'error': str(e).split('\n')[0].split(' Hint: enable anomaly detection')[0]}


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

# ---- item 12: 0-d tensors through transpose and indexSelect ---------------------------
S = lambda: t(2.5)
case('item12/transpose-0d', lambda: S().transpose(0, -1))
case('item12/transpose-0d-00', lambda: S().transpose(0, 0))
case('item12/indexSelect-0d', lambda: S().index_select(0, t([0])))
case('item12/indexSelect-0d-index0d', lambda: S().index_select(0, t(0)))
case('item12/indexSelect-0d-repeat', lambda: S().index_select(0, t([0, 0])))
case('item12/gather-0d-index1d', lambda: S().gather(0, t([0, 0])))
case('item12/gather-0d', lambda: S().gather(0, t(0)))
# (PyTorch 1.13 fails the backward of index_select on a 0-d tensor; tensorgrad's gradient
# of it is tested by hand in issue12.test.ts.)
case('item12/gather-0d-index1d-grad', lambda: grad_of(lambda x: x.gather(0, t([0, 0])).sum(), 2.5))
for name, f in {'sum': lambda x: x.sum(0), 'sum-keepdim': lambda x: x.sum(0, True), 'amax': lambda x: x.amax(0), 'max-dim': lambda x: list(x.max(0)),
                'argmax-keepdim': lambda x: x.argmax(0, True), 'softmax': lambda x: x.softmax(0), 'logsumexp': lambda x: x.logsumexp(0),
                'norm': lambda x: x.norm(2, 0), 'prod': lambda x: x.prod(0), 'mean': lambda x: x.mean(-1), 'squeeze': lambda x: x.squeeze(0),
                'unsqueeze': lambda x: x.unsqueeze(-1), 'flatten': lambda x: x.flatten(), 't': lambda x: x.t(), 'permute': lambda x: x.permute(()),
                'stack': lambda x: torch.stack([x, x], -1), 'expand': lambda x: x.expand(2)}.items():
    case(f'item12/0d-{name}', lambda: f(S()))

# ---- item 13: integer pow with negative exponents -------------------------------------
I32 = torch.int32
case('item13/int-pow-neg-number', lambda: t([0, 2], dtype=I32).pow(-1))
case('item13/int-pow_-neg-number', lambda: t([0, 2], dtype=I32).pow_(-2))
case('item13/int-pow-neg-tensor', lambda: torch.pow(t([0, 2, -1, 1, 3, -1], dtype=I32), t([-2, -1, -1, -3, 0, -2], dtype=I32)))
case('item13/int-pow-neg-0d-tensor', lambda: torch.pow(t([0, 1, -1, 2], dtype=I32), t(-1, dtype=I32)))
case('item13/int-pow-positive', lambda: t([0, 2, -3], dtype=I32).pow(3))
case('item13/int-pow-float', lambda: t([0, 2], dtype=I32).pow(-1.5))
case('item13/number-pow-int-neg', lambda: torch.pow(2, t([-1, 3, 0], dtype=I32)))
case('item13/zero-pow-int-neg', lambda: torch.pow(0, t([-1, 3, 0], dtype=I32)))

# ---- item 14: result dtypes of pow(number, int), sign(bool), clamp(bool) -------------
B = lambda: t([True, False])
case('item14/pow-number-int', lambda: torch.pow(2, t([0, 3], dtype=I32)))
case('item14/pow-float-number-int', lambda: torch.pow(2.5, t([0, 3], dtype=I32)))
case('item14/pow-number-bool', lambda: torch.pow(2, B()))
case('item14/pow-float-number-bool', lambda: torch.pow(2.5, B()))
case('item14/sign-bool', lambda: B().sign())
case('item14/sign-int', lambda: t([-3, 0, 2], dtype=I32).sign())
case('item14/abs-bool', lambda: B().abs())
case('item14/clamp-bool-max0', lambda: B().clamp(max=0))
case('item14/clamp-bool-min1', lambda: B().clamp(min=1))
case('item14/clamp-bool-float-bound', lambda: B().clamp(min=0.5))
case('item14/clamp-int-float-bound', lambda: t([1, 2], dtype=I32).clamp(max=1.5))
case('item14/relu-int', lambda: t([-1, 2], dtype=I32).relu())
case('item14/exp-bool', lambda: B().exp())
case('item14/sigmoid-int', lambda: t([-1, 2], dtype=I32).sigmoid())

# ---- item 15: copy_ of a tensor that requires grad into a bool or int tensor ---------
def copy_into(dtype):
    d = torch.zeros(2, dtype=dtype)
    d.copy_(leaf([1.5, 0.]))
    return [d, d.requires_grad]


case('item15/copy_-into-int', lambda: copy_into(I32))
case('item15/copy_-into-bool', lambda: copy_into(torch.bool))
case('item15/copy_-into-float64', lambda: copy_into(torch.float64))

# ---- item 16: bool tensors in max/min/amax/amin/indexSelect/gather --------------------
BB = lambda: t([[True, False, False], [False, False, True]])
case('item16/max', lambda: BB().max())
case('item16/min', lambda: BB().min())
case('item16/max-dim', lambda: list(BB().max(1)))
case('item16/min-dim-keepdim', lambda: list(BB().min(0, True)))
case('item16/amax', lambda: BB().amax(1))
case('item16/amin', lambda: BB().amin())
case('item16/indexSelect', lambda: BB().index_select(1, t([2, 0])))
case('item16/gather', lambda: BB().gather(1, t([[2], [0]])))
case('item16/argmax', lambda: BB().argmax())
case('item16/cat', lambda: torch.cat([BB(), BB()]))
case('item16/maximum', lambda: torch.maximum(BB(), t([[False, True, False], [False, False, False]])))
case('item16/minimum', lambda: torch.minimum(BB(), t([True, False, True])))

# ---- item 17: errors PyTorch raises ---------------------------------------------------
f2 = lambda: t([[1., 2], [3, 4]])
i2 = lambda: t([[1, 2], [3, 4]], dtype=I32)
b2 = lambda: t([[True, False], [False, True]])
for name, fn in {
    'mm-f32-f64': lambda: f2().mm(f2().double()), 'mm-f64-f32': lambda: f2().double().mm(f2()), 'mm-int-f32': lambda: i2().mm(f2()),
    'mm-f32-int': lambda: f2().mm(i2()), 'mm-bool': lambda: b2().mm(b2()), 'mm-bool-f32': lambda: b2().mm(f2()),
    'matmul-f32-f64': lambda: f2().matmul(f2().double()), 'matmul-mv': lambda: f2().matmul(f2().double()[0]),
    'matmul-dot': lambda: f2()[0].matmul(f2().double()[0]), 'matmul-batched': lambda: f2().unsqueeze(0).matmul(f2().double()),
    'linear-f32-f64': lambda: F.linear(f2(), f2().double()), 'linear-bias-f64': lambda: F.linear(f2(), f2(), f2().double()[0]),
    'softmax-int': lambda: i2().softmax(0), 'softmax-bool': lambda: b2().softmax(0), 'logSoftmax-int': lambda: i2().log_softmax(1),
    'relu-bool': lambda: b2().relu(), 'F.relu-bool': lambda: F.relu(b2()), 'gelu-int': lambda: F.gelu(i2()), 'gelu-bool': lambda: F.gelu(b2()),
    'silu-int': lambda: F.silu(i2()), 'elu-int': lambda: F.elu(i2()), 'softplus-int': lambda: F.softplus(i2()), 'leakyRelu-int': lambda: F.leaky_relu(i2()),
    'leakyRelu-bool': lambda: F.leaky_relu(b2()),
    'sub-bool': lambda: b2() - b2(), 'sub-bool-number': lambda: b2() - 1, 'sub-bool-float': lambda: b2() - f2(), 'sub-float-bool': lambda: f2() - b2(),
    'sub_-bool': lambda: b2().sub_(b2()), 'neg-bool': lambda: -b2(),
    'add-int-float-alpha': lambda: i2().add(i2(), alpha=0.5), 'sub-int-float-alpha': lambda: i2().sub(i2(), alpha=0.5), 'add_-int-float-alpha': lambda: i2().add_(i2(), alpha=0.5),
    'add-int-int-alpha': lambda: i2().add(i2(), alpha=2), 'add-float-int-float-alpha': lambda: f2().add(i2(), alpha=0.5),
    'bceWithLogits-weight-broadcasts': lambda: F.binary_cross_entropy_with_logits(torch.zeros(3), torch.zeros(3), weight=torch.ones(2, 3)),
    'bceWithLogits-posWeight-broadcasts': lambda: F.binary_cross_entropy_with_logits(torch.zeros(3), torch.zeros(3), pos_weight=torch.ones(2, 3)),
    'bce-weight-broadcasts': lambda: F.binary_cross_entropy(torch.full((3,), 0.5), torch.zeros(3), weight=torch.ones(2, 3)),
    'bceWithLogits-weight-ok': lambda: F.binary_cross_entropy_with_logits(torch.zeros(2, 3), torch.zeros(2, 3), weight=torch.ones(3)),
    # neighbours: losses on integer tensors, a class weight of another dtype
    'mseLoss-int': lambda: F.mse_loss(t([1, 2], dtype=I32), t([1, 3], dtype=I32)),
    'mseLoss-float-int': lambda: F.mse_loss(t([1., 3.]), t([1, 2], dtype=I32)),
    'smoothL1Loss-int': lambda: F.smooth_l1_loss(t([1, 2], dtype=I32), t([1, 3], dtype=I32)),
    'huberLoss-int': lambda: F.huber_loss(t([1, 2], dtype=I32), t([1, 3], dtype=I32)),
    'l1Loss-int': lambda: F.l1_loss(t([1, 2], dtype=I32), t([1, 3], dtype=I32)),
    'bce-int-target': lambda: F.binary_cross_entropy(t([0.5, 0.5]), t([1, 0], dtype=I32)),
    'bce-f64-target': lambda: F.binary_cross_entropy(t([0.5, 0.5]), t([1., 0.], dtype=torch.float64)),
    'bceWithLogits-int-target': lambda: F.binary_cross_entropy_with_logits(t([1., 3.]), t([1, 0], dtype=I32)),
    'bceWithLogits-int-input': lambda: F.binary_cross_entropy_with_logits(t([1, 3], dtype=I32), t([1., 0.])),
    'nllLoss-int': lambda: F.nll_loss(torch.ones(2, 3, dtype=I32), t([0, 1])),
    'crossEntropy-int': lambda: F.cross_entropy(torch.ones(2, 3, dtype=I32), t([0, 1])),
    'crossEntropy-weight-dtype': lambda: F.cross_entropy(torch.ones(2, 3, dtype=torch.float64), t([0, 1]), weight=torch.ones(3)),
}.items():
    case(f'item17/{name}', fn)


def inplace_after(first, then):
    x = leaf([1., -2.])
    y = x * 1
    getattr(y, first)()
    then(y)
    y.sum().backward()
    return x.grad


case('item17/relu_-then-add_', lambda: inplace_after('relu_', lambda y: y.add_(2)))
case('item17/relu_-then-mul_', lambda: inplace_after('relu_', lambda y: y.mul_(2)))
case('item17/neg_-then-add_', lambda: inplace_after('neg_', lambda y: y.add_(2)))
case('item17/clamp_-then-add_', lambda: (lambda x: (lambda y: (y.clamp_(0, 1), y.add_(2), y.sum().backward(), x.grad)[-1])(x * 1))(leaf([1., -2.])))


def exp_then_add():
    x = leaf([1., -2.])
    y = x.exp()
    y.add_(2)
    y.sum().backward()
    return x.grad


case('item17/exp-then-add_', exp_then_add)

# ---- item 18: fill_ on an expanded tensor, norm(inf) of an empty tensor, bce with infinite logits
def fill_expanded(op):
    e = torch.zeros(1).expand(3)
    getattr(e, op)(*([2.] if op == 'fill_' else []))
    return e


case('item18/fill_-expanded', lambda: fill_expanded('fill_'))
case('item18/zero_-expanded', lambda: fill_expanded('zero_'))
case('item18/add_-expanded', lambda: torch.zeros(1).expand(3).add_(1))
case('item18/norm-inf-empty', lambda: torch.zeros(0).norm(float('inf')))
case('item18/norm-neginf-empty', lambda: torch.zeros(0).norm(float('-inf')))
case('item18/norm-inf-empty-dim', lambda: torch.zeros(0, 3).norm(float('inf'), 0))
case('item18/norm-1-empty', lambda: torch.zeros(0).norm(1))
INF = float('inf')
case('item18/bceWithLogits-inf', lambda: F.binary_cross_entropy_with_logits(t([INF, -INF, INF, -INF, 100.]), t([0., 1, 1, 0, 0]), reduction='none'))
case('item18/bceWithLogits-inf-posWeight', lambda: F.binary_cross_entropy_with_logits(t([INF, -INF, INF, -INF, 100.]), t([0., 1, 1, 0, 0]), reduction='none', pos_weight=t([2.] * 5)))
case('item18/bceWithLogits-inf-grad', lambda: grad_of(lambda x: F.binary_cross_entropy_with_logits(x, t([0., 1, 1, 0])), [INF, -INF, INF, -INF]))

# ---- item 19: what print(...) shows ----------------------------------------------------
X19 = lambda: t([[1., 5., 2.], [3., 2., 0.5]])
case('item19/print-shape', lambda: str(torch.zeros(8, 4).shape))
case('item19/print-shape-0d', lambda: str(torch.zeros(()).shape))
case('item19/print-size', lambda: str(torch.zeros(2, 0, 3).size()))
case('item19/print-list-of-shapes', lambda: str([torch.zeros(2).shape, torch.zeros(1, 1).shape]))
case('item19/print-device', lambda: str(torch.zeros(1).device))
case('item19/print-list-of-devices', lambda: str([torch.zeros(1).device]))
case('item19/fstring-device', lambda: f'{torch.zeros(1).device}')
case('item19/print-dtype', lambda: str(torch.zeros(1).dtype))
DTYPES19 = [torch.float32, torch.float64, torch.int32, torch.int64, torch.bool]
case('item19/print-list-of-dtypes', lambda: str(DTYPES19))
case('item19/print-dict-of-dtype', lambda: str({'dtype': torch.zeros(1, dtype=torch.int64).dtype}))
case('item19/fstring-dtype', lambda: f'{torch.zeros(1, dtype=torch.float64).dtype}')
case('item19/concat-dtype', lambda: 'dtype: ' + str(torch.zeros(1, dtype=torch.bool).dtype))
case('item19/dtype-is-singleton', lambda: [torch.zeros(1).dtype is torch.float32, torch.zeros(1).double().dtype is torch.float64, (torch.zeros(1) > 0).dtype is torch.bool])
case('item19/dtype-properties', lambda: [[d.is_floating_point, d.is_signed] for d in DTYPES19])
# torch.dtype.itemsize is PyTorch 2.1's; 1.13 tells it through a tensor's element_size().
case('item19/dtype-itemsize', lambda: [torch.empty(0, dtype=d).element_size() for d in DTYPES19])
case('item19/print-max-dim', lambda: str(X19().max(1)))
case('item19/print-min-dim-keepdim', lambda: str(X19().min(0, keepdim=True)))
case('item19/print-max-dim-grad', lambda: str(X19().requires_grad_().max(1)))


def load_result(strict, extra):
    m = torch.nn.Linear(2, 1)
    sd = m.state_dict()
    if extra:
        del sd['bias']
        sd['other'] = torch.zeros(1)
    return str(m.load_state_dict(sd, strict=strict))


case('item19/print-loadStateDict', lambda: load_result(True, False))
case('item19/print-loadStateDict-nonstrict', lambda: load_result(False, True))
W19 = lambda: [torch.zeros(2, requires_grad=True)]
case('item19/print-SGD', lambda: str(torch.optim.SGD(W19(), lr=0.1, momentum=0.9)))
case('item19/print-Adam', lambda: str(torch.optim.Adam(W19(), lr=0.01, betas=(0.8, 0.99))))
case('item19/print-Adam-two-groups', lambda: str(torch.optim.Adam([{'params': W19()}, {'params': W19(), 'lr': 0.5}], lr=1e-3)))
case('item19/print-gradFn', lambda: str((leaf([1.]) + 1).grad_fn).split(' object at ')[0] + ' object>')

# ---- item 20: optimizer state dicts in PyTorch's data format ---------------------------
def enc_tree(v):
    if isinstance(v, dict):
        return {str(k): enc_tree(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [enc_tree(x) for x in v]
    if isinstance(v, torch.Tensor):
        return enc(v)
    if isinstance(v, float):
        return num(v)
    return v


OPTIMIZERS = {
    'SGD': (torch.optim.SGD, dict(lr=0.1, momentum=0.9, nesterov=True)),
    'SGD-plain': (torch.optim.SGD, dict(lr=0.1)),
    'Adam': (torch.optim.Adam, dict(lr=0.1, betas=(0.8, 0.99))),
    'AdamW-amsgrad': (torch.optim.AdamW, dict(lr=0.1, amsgrad=True)),
    'RMSprop': (torch.optim.RMSprop, dict(lr=0.01, momentum=0.5, centered=True)),
    'Adagrad': (torch.optim.Adagrad, dict(lr=0.1, lr_decay=0.01)),
}


def checkpoint(name):
    """Two steps on w0, the state dict, then a third step: {stateDict, w2, w3}."""
    cls, kw = OPTIMIZERS[name]
    w = leaf([1., -2., 3.])
    c = t([0.5, 1., 2.])
    o = cls([w], **kw)

    def step():
        o.zero_grad()
        (w * w * c).sum().backward()
        o.step()
    step()
    step()
    sd = enc_tree(o.state_dict())
    w2 = w.detach().clone()
    step()
    return {'stateDict': sd, 'w2': enc(w2), 'w3': enc(w.detach())}


for name in OPTIMIZERS:
    cases[f'item20/{name}'] = checkpoint(name)

# ---- item 21: a deep copy of a state dict; randomSplit / Subset ------------------------
def deepcopy_case():
    import copy
    m = torch.nn.Linear(2, 1)
    with torch.no_grad():
        m.weight.copy_(t([[0.5, -1.]]))
        m.bias.fill_(0.25)
    saved = copy.deepcopy(m.state_dict())
    o = torch.optim.SGD(m.parameters(), lr=0.1)
    m(t([[1., 2.]])).sum().backward()
    o.step()
    after = [m.weight.detach().clone(), m.bias.detach().clone()]
    m.load_state_dict(saved)
    return [after, [m.weight, m.bias], [saved['weight'], saved['bias']]]


case('item21/deepcopy-state-dict', deepcopy_case)
from torch.utils.data import random_split, Subset, TensorDataset
case('item21/randomSplit-42', lambda: [list(s.indices) for s in random_split(range(10), [3, 7], generator=torch.Generator().manual_seed(42))])
case('item21/randomSplit-fractions', lambda: [list(s.indices) for s in random_split(range(11), [0.3, 0.3, 0.4], generator=torch.Generator().manual_seed(7))])
case('item21/randomSplit-default-generator', lambda: (torch.manual_seed(3), [list(s.indices) for s in random_split(range(6), [2, 4])])[1])
case('item21/randomSplit-bad-lengths', lambda: random_split(range(5), [2, 2]))
case('item21/Subset-TensorDataset', lambda: (lambda s: [len(s), list(s[1])])(Subset(TensorDataset(t([[1., 2], [3, 4], [5, 6]]), t([7, 8, 9])), [2, 0])))

if __name__ == '__main__':
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'pytorch-cases.json')
    with open(out, 'w') as f:
        json.dump({'generator': 'test/regressions/make-pytorch-cases.py', 'torch': torch.__version__, 'cases': cases}, f, indent=1)
        f.write('\n')
    print(f'{len(cases)} cases -> {out}')
