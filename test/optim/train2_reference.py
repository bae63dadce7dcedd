# The PyTorch 1.13 reference values of test/optim/train2.test.ts (run by it; prints JSON).
import json, math, warnings, torch
warnings.simplefilter('ignore')
from torch.optim import SGD, Adam, Adamax, NAdam, RAdam
from torch.optim import lr_scheduler as S
F64 = torch.float64  # explicitly: NAdam's mu_product has the default dtype, float32
out = {}

def sgd(lr=0.1, momentum=0.0, groups=1):
    ps = [torch.nn.Parameter(torch.ones(1, dtype=F64)) for _ in range(groups)]
    return SGD([{'params': [p]} for p in ps], lr=lr, momentum=momentum)

def run(opt, sched, n, metrics=None):
    lrs, moms = [], []
    for i in range(n):
        lrs.append([g['lr'] for g in opt.param_groups])
        moms.append([g['betas'][0] if 'betas' in g else g['momentum'] for g in opt.param_groups])
        opt.step()
        sched.step(metrics[i]) if metrics is not None else sched.step()
    return {'lrs': lrs, 'momentums': moms}

o = sgd(); out['sequentialLinearExp'] = run(o, S.SequentialLR(o, [S.LinearLR(o, 0.25, total_iters=3), S.ExponentialLR(o, 0.9)], milestones=[3]), 10)
o = sgd(); out['sequentialThree'] = run(o, S.SequentialLR(o, [S.StepLR(o, 2, 0.5), S.CosineAnnealingLR(o, 4, eta_min=0.01), S.MultiStepLR(o, [2, 2, 5], 0.5)], [4, 8]), 14)
o = sgd(groups=2); out['lambdaTwoGroups'] = run(o, S.LambdaLR(o, [lambda e: 0.95 ** e, lambda e: 1 / (e + 1)]), 6)
o = sgd(); out['multiStepRepeated'] = run(o, S.MultiStepLR(o, [4, 2, 2], gamma=0.5), 7)
o = sgd(); out['linearDecay'] = run(o, S.LinearLR(o, start_factor=1.0, end_factor=0.1, total_iters=4), 7)
o = sgd(); out['warmRestarts'] = run(o, S.CosineAnnealingWarmRestarts(o, 2, T_mult=3, eta_min=0.05), 15)
o = sgd(momentum=0.9); out['oneCycleEpochs'] = run(o, S.OneCycleLR(o, 1.0, epochs=2, steps_per_epoch=5), 10)
o = sgd(momentum=0.9, groups=2); out['oneCycleGroups'] = run(o, S.OneCycleLR(o, [1.0, 0.5], total_steps=8, anneal_strategy='linear', max_momentum=[0.9, 0.95], base_momentum=0.7), 8)
metrics = [1, 2, 2, 2, 3, 3, 3, 3, 3, 2.5, 3.5, 3.5]
o = sgd(); out['plateauMax'] = run(o, S.ReduceLROnPlateau(o, mode='max', factor=0.5, patience=1, threshold=0.1, cooldown=1, min_lr=0.02), len(metrics), metrics)
# the error past totalSteps
o = sgd(momentum=0.9); s = S.OneCycleLR(o, 1.0, total_steps=3)
try:
    for _ in range(4): s.step()
except ValueError as e:
    out['oneCycleTooFar'] = str(e)

# optimizers: f64, a quadratic with a fixed gradient field, then the state dict
def quad(p):
    return (p * p * torch.tensor([1.0, 2.0, 3.0, -0.5], dtype=F64) + torch.sin(p)).sum()

def optim_case(make, steps, foreach=None):
    p = torch.nn.Parameter(torch.tensor([1.0, -2.0, 0.5, 3.0], dtype=F64))
    opt = make([p])
    for _ in range(steps):
        opt.zero_grad(); quad(p).backward(); opt.step()
    sd = opt.state_dict()
    state = {k: (v.tolist() if v.dim() > 0 else v.item()) for k, v in sd['state'][0].items()}
    group = {k: v for k, v in sd['param_groups'][0].items()}
    at_save = p.tolist()
    for _ in range(3):
        opt.zero_grad(); quad(p).backward(); opt.step()
    return {'state': state, 'group': group, 'paramsAtSave': at_save, 'params': p.tolist()}

out['adamax'] = optim_case(lambda ps: Adamax(ps, lr=0.05, betas=(0.8, 0.95), weight_decay=0.1, maximize=True), 4)
out['nadam'] = optim_case(lambda ps: NAdam(ps, lr=0.05, weight_decay=0.1, momentum_decay=0.01, foreach=True), 4)
out['radam'] = optim_case(lambda ps: RAdam(ps, lr=0.05, betas=(0.9, 0.9), weight_decay=0.1), 4)

# gradient clipping
def clip_case(norm_type, max_norm=0.1):
    ps = [torch.nn.Parameter(torch.tensor(v, dtype=F64)) for v in ([1.0, -2.0, 3.0], [[0.5, -0.25], [4.0, 1.0]], [-3.5])]
    (sum((p ** 3).sum() for p in ps)).backward()
    total = torch.nn.utils.clip_grad_norm_(ps, max_norm, norm_type)
    return {'total': total.item(), 'grads': [p.grad.tolist() for p in ps]}
out['clip'] = {str(t): clip_case(t) for t in (2.0, 1.0, 3.5, math.inf, -math.inf)}
out['clipNoop'] = clip_case(2.0, 1e6)
ps = [torch.nn.Parameter(torch.tensor([1.0, -2.0, 3.0], dtype=F64))]
(ps[0] ** 3).sum().backward()
torch.nn.utils.clip_grad_value_(ps, 5.0)
out['clipValue'] = ps[0].grad.tolist()
print(json.dumps(out))
