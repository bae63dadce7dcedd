# PyTorch 1.13 / NumPy reference values of test/dtype/int64.test.ts (prints JSON; int64
# values as decimal strings, since JSON numbers are doubles). argv[1]: a directory for
# the files NumPy and the safetensors layout write, argv[2]: the .npy tensorgrad wrote.
import json, struct, sys
import numpy as np
import torch

d = sys.argv[1]
out = {}
big = 2**60 + 1

# printing
reprs = {
    'vector': torch.tensor([1, 2, 3]),
    'matrix': torch.tensor([[1, -20], [300, 4]]),
    'beyond2p53': torch.tensor([1, big, -3]),
    'scalar': torch.tensor(-7),
    'empty': torch.tensor([], dtype=torch.int64),
    'emptyMatrix': torch.zeros((0, 2), dtype=torch.int64),
    'summarized': torch.arange(2000).reshape(40, 50),
    'int32': torch.tensor([1, 2], dtype=torch.int32),
}
out['repr'] = {k: repr(v) for k, v in reprs.items()}

# promotion: [dtype, values]
def js(t):
    return [str(t.dtype).replace('torch.', ''), [str(v) if isinstance(v, int) else v for v in t.reshape(-1).tolist()]]
a = torch.tensor([3, -4, 5])
out['promotion'] = {
    'int64+float32': js(a + torch.tensor([0.5, 0.25, -1.0])),
    'int64+int32': js(a + torch.tensor([1, 1, 1], dtype=torch.int32)),
    'int64*2.5': js(a * 2.5),
    'int64+2': js(a + 2),
    'int64/int64': js(a / torch.tensor([2, 3, 4])),
    'zeroDimInt64+int32': js(torch.tensor(7) + torch.tensor([1, 2], dtype=torch.int32)),
    'int32+zeroDimInt64': js(torch.tensor([1, 2], dtype=torch.int32) + torch.tensor(2**40)),
    'float64+int64': js(torch.tensor([0.5], dtype=torch.float64) + torch.tensor([big])),
    'bool+int64': js(torch.tensor([True, False]) + torch.tensor([2, 3])),
}

# arithmetic beyond 2^53 (and int64's wrap-around)
x = torch.tensor([big, -big, 2**62, 9007199254740993])
y = torch.tensor([3, 5, 2**62, -1])
out['arith'] = {
    'add': js(x + y), 'sub': js(x - y), 'mul': js(x * y), 'neg': js(-x), 'abs': js(x.abs()),
    'sum': js(x.sum().reshape(1)), 'max': js(x.max().reshape(1)), 'min': js(x.min().reshape(1)),
    'gt': js(x > y), 'eq': js(x == torch.tensor([big, 0, 2**62, 9007199254740992])),
    'argmax': js(x.argmax().reshape(1)), 'clamp': js(x.clamp(-10, 2**61)),
    'maximum': js(torch.maximum(x, y)), 'toFloat64': js(x.double()), 'toInt32': js(x.int()),
    'fromFloat': js(torch.tensor([1.7, -2.5, 1e18]).long()),
}

# index and label tensors
src = torch.arange(12.).reshape(3, 4)
logits = torch.tensor([[1.0, 2.0, 0.5], [0.1, -1.0, 3.0]])
out['index'] = {
    'gather': js(src.gather(1, torch.tensor([[3, 0], [1, 1], [0, 2]]))),
    'indexSelect': js(src.index_select(0, torch.tensor([2, 0]))),
    'crossEntropy': js(torch.nn.functional.cross_entropy(logits, torch.tensor([1, 2])).reshape(1)),
    'nllLoss': js(torch.nn.functional.nll_loss(logits, torch.tensor([0, 2])).reshape(1)),
}

# files: .npy by NumPy and safetensors of torch int64 tensors (the layout written with
# struct + json, as test/io/interop.test.ts does: the safetensors package may be absent)
arr = np.array([[big, -2**63], [2**63 - 1, 5]], dtype=np.int64)
np.save(f'{d}/np-int64.npy', arr)
t = torch.tensor([[big, -3], [2**62, 0]])
b = t.numpy().astype('<i8').tobytes()
h = json.dumps({'labels': {'dtype': 'I64', 'shape': list(t.shape), 'data_offsets': [0, len(b)]}}).encode()
h += b' ' * (-(8 + len(h)) % 8)
open(f'{d}/torch-int64.safetensors', 'wb').write(struct.pack('<Q', len(h)) + h + b)
out['files'] = {'npy': [str(v) for v in arr.ravel().tolist()], 'safetensors': [str(v) for v in t.ravel().tolist()]}
if len(sys.argv) > 2:
    back = np.load(sys.argv[2])
    out['readBack'] = [str(back.dtype), [str(v) for v in back.ravel().tolist()]]
print(json.dumps(out))
