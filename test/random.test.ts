// Generators and random ops beyond the golden cases (rng.json runs in golden.test.ts):
// the engine against an independent mt19937, Generator state and independence, seeds,
// autograd of the in-place fills, dropout, nn.init, layouts, worker threads, the
// portable kernels, and argument errors. RNG-NOTES is test/golden/RNG-NOTES.md. Values
// marked "torch" were printed by PyTorch 1.13.1 (/usr/bin/python3) running the code
// quoted next to them.
import { execFileSync } from 'child_process';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { describe, expect, test } from 'vitest';
import * as tg from '../lib/index';
import { random64 } from '../lib/random';

const F = tg.nn.functional;
const values = (t: tg.Tensor): number[] => Array.from(t.toTypedArray() as ArrayLike<number>);

/** std::mt19937 written from the reference algorithm (single modular twist loop), as an
 * oracle independent of native/include/tg/generator.h. */
function referenceMt(seed: number, count: number): number[] {
  const mt = new Uint32Array(624);
  mt[0] = seed;
  for (let i = 1; i < 624; ++i) mt[i] = Math.imul(1812433253, mt[i - 1] ^ (mt[i - 1] >>> 30)) + i;
  const out: number[] = [];
  let index = 624;
  for (let k = 0; k < count; ++k) {
    if (index === 624) {
      for (let i = 0; i < 624; ++i) {
        const y = (mt[i] & 0x80000000) | (mt[(i + 1) % 624] & 0x7fffffff);
        mt[i] = mt[(i + 397) % 624] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      index = 0;
    }
    let y = mt[index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    out.push(y >>> 0);
  }
  return out;
}

/** n 32-bit draws of a generator, through random64 (high word first). */
function words(g: tg.Generator, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n / 2; ++i) {
    const r = random64(g);
    out.push(Number(r >> 32n), Number(r & 0xffffffffn));
  }
  return out;
}

describe('the engine', () => {
  test('is std::mt19937: the first draws for seed 0 (RNG-NOTES §1)', () => {
    expect(words(new tg.Generator().manualSeed(0), 4).slice(0, 3)).toEqual([2357136044, 2546248239, 3071714933]);
  });

  test.each([0, 1, 42, 5489, 2 ** 32 - 1])('matches a reference mt19937 across three twists (seed %d)', (seed) => {
    expect(words(new tg.Generator().manualSeed(seed), 2000)).toEqual(referenceMt(seed, 2000));
  });

  test('bulk draws (rand) and single draws (random64) take the same stream', () => {
    const g = new tg.Generator().manualSeed(9);
    const u = values(tg.rand([1001], { generator: g }));
    const w = words(g, 100);
    const ref = referenceMt(9, 1101);
    // rand: the low 24 bits of one draw, times 2^-24 (RNG-NOTES §2).
    expect(u).toEqual(ref.slice(0, 1001).map((x) => (x & 0xffffff) * 2 ** -24));
    expect(w).toEqual(ref.slice(1001));
  });

  test('bulk 64-bit draws keep their pairs across twists (float64 rand after an odd draw)', () => {
    const g = new tg.Generator().manualSeed(10);
    tg.rand([1], { generator: g });
    const u = values(tg.rand([700], { generator: g, dtype: 'float64' }));
    const ref = referenceMt(10, 1401);
    // float64: the low 53 bits of a 64-bit draw whose high word comes first (RNG-NOTES §2).
    expect(u).toEqual(u.map((_, i) => ((ref[1 + 2 * i] & 0x1fffff) * 2 ** 32 + ref[2 + 2 * i]) * 2 ** -53));
  });
});

describe('Generator', () => {
  test('a new Generator is seeded like torch.Generator()', () => {
    const g = new tg.Generator();
    expect(g.initialSeed()).toBe(67280421310721);
    // torch: torch.rand(3, generator=torch.Generator())
    expect(values(tg.rand([3], { generator: g }))).toEqual([0.267295241355896, 0.8725283145904541, 0.3352888226509094]);
  });

  test('getState/setState replays the stream, cached normal included', () => {
    const g = new tg.Generator().manualSeed(3);
    tg.randn([3], { generator: g }); // odd count: leaves a cached normal
    const state = g.getState();
    const draw = (gen: tg.Generator) => [
      ...values(tg.randn([5], { generator: gen })),
      ...values(tg.rand([4], { generator: gen, dtype: 'float64' })),
      ...values(tg.randn([20], { generator: gen })),
      ...values(tg.randperm(7, { generator: gen })),
    ];
    const first = draw(g);
    g.setState(state);
    expect(draw(g)).toEqual(first);
    const other = new tg.Generator().setState(state);
    expect(draw(other)).toEqual(first);
    expect(other.initialSeed()).toBe(3);
    // Without the cached normal, the first value would come from a fresh pair.
    const fresh = new tg.Generator().manualSeed(3);
    tg.rand([2], { generator: fresh, dtype: 'float64' }); // the 4 draws randn([3]) took for its one pair
    expect(values(tg.randn([1], { generator: fresh }))[0]).not.toBe(first[0]);
  });

  test('getState returns a copy', () => {
    const g = new tg.Generator().manualSeed(1);
    const state = g.getState();
    const before = state.slice();
    tg.rand([700], { generator: g });
    expect(state).toEqual(before);
  });

  test('generators are independent of each other and of the global one', () => {
    tg.manualSeed(11);
    const ref = values(tg.rand([6]));
    const g1 = new tg.Generator().manualSeed(11);
    const g2 = new tg.Generator().manualSeed(11);
    tg.manualSeed(11);
    expect(values(tg.rand([3], { generator: g1 }))).toEqual(ref.slice(0, 3));
    expect(values(tg.rand([6]))).toEqual(ref);
    expect(values(tg.rand([6], { generator: g2 }))).toEqual(ref);
    expect(values(tg.rand([3], { generator: g1 }))).toEqual(ref.slice(3));
  });

  test('every random op takes {generator}', () => {
    const run = (opts: { generator?: tg.Generator }) => [
      ...values(tg.rand([3], opts)),
      ...values(tg.randn([17], opts)),
      ...values(tg.randint(0, 9, [4], opts)),
      ...values(tg.randperm(5, opts)),
      ...values(tg.empty([3]).normal_(1, 2, opts)),
      ...values(tg.empty([3]).uniform_(-1, 1, opts)),
      ...values(tg.empty([3]).bernoulli_(0.3, opts)),
      ...values(tg.randLike(tg.empty([2]), opts)),
      ...values(tg.randnLike(tg.empty([2]), opts)),
      ...values(tg.nn.init.kaimingUniform_(tg.empty([2, 3]), 0, 'fan_in', 'leaky_relu', opts)),
    ];
    tg.manualSeed(5);
    const global = run({});
    tg.manualSeed(6);
    const withGenerator = run({ generator: new tg.Generator().manualSeed(5) });
    expect(withGenerator).toEqual(global);
    expect(values(tg.rand([2]))).toEqual(values(tg.rand([2], { generator: new tg.Generator().manualSeed(6) })));
  });

  test('a worker thread has its own global generator', async () => {
    tg.manualSeed(3);
    const expected = values(tg.randn([20]));
    tg.manualSeed(3);
    tg.rand([5]); // the worker's stream must not depend on this one
    const worker = new Worker(path.join(__dirname, 'helpers', 'rng-worker.cjs'), { workerData: { seed: 3 } });
    const got = await new Promise<number[]>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    expect(got).toEqual(expected);
    tg.manualSeed(3);
    tg.rand([5]);
    const next = values(tg.rand([2]));
    tg.manualSeed(3);
    expect(values(tg.rand([7])).slice(5)).toEqual(next);
  });
});

describe('manualSeed, seed, initialSeed', () => {
  const stream = (seed: number | bigint) => {
    tg.manualSeed(seed);
    return values(tg.rand([4]));
  };

  test('only the low 32 bits count; negative seeds are two\'s complement', () => {
    expect(stream(-1)).toEqual(stream(2 ** 32 - 1));
    // torch: torch.manual_seed(2**32 - 1); torch.rand(3)
    expect(stream(-1).slice(0, 3)).toEqual([0.9937993884086609, 0.5713063478469849, 0.5700080394744873]);
    expect(stream(2 ** 40 + 7)).toEqual(stream(7));
    expect(stream(2n ** 63n + 5n)).toEqual(stream(5));
    expect(stream(-(2 ** 32) + 3)).toEqual(stream(3));
  });

  test('initialSeed reads back the uint64 PyTorch stores', () => {
    tg.manualSeed(42);
    expect(tg.initialSeed()).toBe(42);
    tg.manualSeed(2 ** 40 + 7);
    expect(tg.initialSeed()).toBe(2 ** 40 + 7);
    // torch: torch.manual_seed(-1); torch.initial_seed() == 18446744073709551615
    tg.manualSeed(-1);
    expect(tg.initialSeed()).toBe(18446744073709551615n);
    // torch: torch.manual_seed(-2**63); torch.initial_seed() == 9223372036854775808
    tg.manualSeed(-(2n ** 63n));
    expect(tg.initialSeed()).toBe(9223372036854775808n);
    expect(tg.manualSeed(0)).toBeInstanceOf(tg.Generator);
  });

  test('seed() picks a seed that manualSeed reproduces', () => {
    const s = tg.seed();
    expect(Number.isSafeInteger(s) && s >= 0).toBe(true);
    expect(tg.initialSeed()).toBe(s);
    const a = values(tg.rand([3]));
    expect(stream(s).slice(0, 3)).toEqual(a);
  });

  test('tg.defaultGenerator is the generator manualSeed seeds', () => {
    tg.manualSeed(21);
    const a = values(tg.rand([3]));
    tg.defaultGenerator.manualSeed(21);
    expect(values(tg.rand([3]))).toEqual(a);
    expect(tg.defaultGenerator.initialSeed()).toBe(21);
  });

  test('getRngState/setRngState restore the global stream', () => {
    tg.manualSeed(8);
    tg.randn([1]);
    const state = tg.getRngState();
    const a = values(tg.randn([3]));
    tg.setRngState(state);
    expect(values(tg.randn([3]))).toEqual(a);
  });

  test('bad seeds are errors', () => {
    expect(() => tg.manualSeed(1.5)).toThrow(/^manualSeed: seed must be an integer, got 1.5/);
    expect(() => tg.manualSeed(NaN)).toThrow(TypeError);
    expect(() => tg.manualSeed('3' as unknown as number)).toThrow(/^manualSeed: seed must be an integer, got "3"/);
    expect(() => tg.manualSeed(2 ** 64)).toThrow(/^manualSeed: seed must be in \[-2\^63, 2\^64\)/);
    expect(() => tg.manualSeed(-(2n ** 63n) - 1n)).toThrow(RangeError);
  });
});

describe('in-place fills', () => {
  test('a leaf that requires grad is refused unless under noGrad', () => {
    const w = tg.ones([3], { requiresGrad: true });
    expect(() => w.normal_()).toThrow(/^normal_: a leaf Variable that requires grad is being used in an in-place operation/);
    expect(() => w.uniform_()).toThrow(/^uniform_: a leaf Variable/);
    expect(() => w.bernoulli_()).toThrow(/^bernoulli_: a leaf Variable/);
    tg.noGrad(() => w.uniform_(2, 3));
    expect(values(w).every((v) => v >= 2 && v < 3)).toBe(true);
  });

  test('in a graph: PyTorch\'s grad_fn names, zero gradient to the old value', () => {
    // torch: b = torch.ones(3, requires_grad=True).clone(); b.normal_().grad_fn -> NormalBackward0,
    // b.uniform_() -> UniformBackward0, b.bernoulli_(0.5) -> BernoulliBackward2; a.grad = [0, 0, 0]
    const a = tg.ones([3], { requiresGrad: true });
    const b = a.clone();
    expect(b.normal_().gradFn?.name).toBe('NormalBackward0');
    expect(b.uniform_().gradFn?.name).toBe('UniformBackward0');
    expect(b.bernoulli_(0.5).gradFn?.name).toBe('BernoulliBackward2');
    b.sum().backward();
    expect(values(a.grad!)).toEqual([0, 0, 0]);
  });

  test('bump the version, so a saved tensor cannot be overwritten silently', () => {
    const y = tg.ones([3], { requiresGrad: true }).clone();
    const z = y.mul(y);
    y.normal_();
    expect(() => z.sum().backward()).toThrow(/modified by an inplace operation/);
  });

  test('fill a non-contiguous receiver in memory order', () => {
    // RNG-NOTES §4: empty(4,5).t().uniform_() equals uniform_ of a contiguous [4,5], transposed.
    tg.manualSeed(4);
    const contiguous = values(tg.empty([4, 5]).uniform_().t());
    tg.manualSeed(4);
    expect(values(tg.empty([4, 5]).t().uniform_())).toEqual(contiguous);
  });

  test('bernoulli_ writes 0/1 into any dtype from the same draws', () => {
    tg.manualSeed(2);
    const f = values(tg.empty([9]).bernoulli_(0.4));
    tg.manualSeed(2);
    expect(values(tg.empty([9], { dtype: 'int32' }).bernoulli_(0.4))).toEqual(f);
    expect(new Set(f)).toEqual(new Set([0, 1]));
  });
});

describe('randLike, randnLike', () => {
  test('keep the layout of a dense input, as empty_like(preserve_format)', () => {
    const x = tg.ones([5, 4]).t();
    tg.manualSeed(1);
    const r = tg.randnLike(x);
    expect(r.shape).toEqual([4, 5]);
    expect(r.stride()).toEqual([1, 4]);
    // Not contiguous, so 20 elements take the per-element path (RNG-NOTES §3).
    tg.manualSeed(1);
    expect(values(r)).toEqual(values(tg.empty([5, 4]).t().normal_()));
    expect(tg.randLike(x.expand([2, 4, 5])).stride()).toEqual([20, 5, 1]); // overlapping: row-major
    expect(tg.randLike(x, { dtype: 'float64' }).dtype).toBe(tg.float64);
  });
});

describe('F.dropout', () => {
  test('multiplies by the saved mask (MulBackward0) and scales by 1/(1-p)', () => {
    tg.manualSeed(0);
    const x = tg.ones([20], { requiresGrad: true });
    const y = F.dropout(x, 0.25);
    expect(y.gradFn?.name).toBe('MulBackward0');
    const out = values(y);
    expect(out.every((v) => v === 0 || v === Math.fround(1 / 0.75))).toBe(true);
    y.backward(tg.onesLike(y));
    // d(x * mask)/dx = mask, which for x = 1 is the output itself.
    expect(values(x.grad!)).toEqual(out);
  });

  test('p = 0, eval mode and empty inputs return x itself without drawing; p = 1 gives zeros', () => {
    const x = tg.ones([4], { requiresGrad: true });
    tg.manualSeed(1);
    const ref = values(tg.rand([2]));
    tg.manualSeed(1);
    expect(F.dropout(x, 0)).toBe(x);
    expect(F.dropout(x, 0.5, false)).toBe(x);
    const empty = tg.ones([0]);
    expect(F.dropout(empty, 0.5)).toBe(empty);
    const zero = F.dropout(x, 1);
    expect(values(zero)).toEqual([0, 0, 0, 0]);
    expect(zero.gradFn?.name).toBe('MulBackward0'); // torch: F.dropout(x, 1.0).grad_fn
    expect(values(tg.rand([2]))).toEqual(ref);
  });

  test('inplace writes into x', () => {
    tg.manualSeed(0);
    const expected = values(F.dropout(tg.ones([6]), 0.5));
    tg.manualSeed(0);
    const x = tg.ones([6]);
    expect(F.dropout(x, 0.5, true, true)).toBe(x);
    expect(values(x)).toEqual(expected);
  });
});

describe('nn.init', () => {
  const init = tg.nn.init;

  test('calculateGain follows torch.nn.init.calculate_gain', () => {
    expect(init.calculateGain('linear')).toBe(1);
    expect(init.calculateGain('conv2d')).toBe(1);
    expect(init.calculateGain('sigmoid')).toBe(1);
    expect(init.calculateGain('tanh')).toBe(5 / 3);
    expect(init.calculateGain('relu')).toBe(Math.SQRT2);
    expect(init.calculateGain('leaky_relu')).toBe(Math.sqrt(2 / (1 + 0.01 * 0.01)));
    expect(init.calculateGain('leaky_relu', 0)).toBe(Math.SQRT2);
    expect(init.calculateGain('selu')).toBe(0.75);
    expect(() => init.calculateGain('swish' as never)).toThrow(/^calculateGain: Unsupported nonlinearity "swish"/);
  });

  test('initialises parameters that require grad, without recording', () => {
    const w = tg.empty([8, 6], { requiresGrad: true });
    expect(init.kaimingUniform_(w, 0, 'fan_in', 'relu')).toBe(w);
    expect(w.gradFn).toBe(null);
    const bound = Math.sqrt(6 / 6); // gain sqrt(2) * sqrt(3 / fan_in)
    expect(values(w).every((v) => Math.abs(v) <= bound)).toBe(true);
    init.xavierUniform_(w);
    expect(values(w).every((v) => Math.abs(v) <= Math.sqrt(6 / 14))).toBe(true);
    init.constant_(w, 0.5);
    expect(values(w).every((v) => v === 0.5)).toBe(true);
    init.zeros_(w);
    init.ones_(init.normal_(w));
    expect(values(w).every((v) => v === 1)).toBe(true);
  });

  test('kaiming on a tensor with no elements draws nothing', () => {
    tg.manualSeed(3);
    const ref = values(tg.rand([2]));
    tg.manualSeed(3);
    init.kaimingUniform_(tg.empty([0, 3]));
    init.kaimingNormal_(tg.empty([4, 0]));
    expect(values(tg.rand([2]))).toEqual(ref);
  });

  test('fans need 2 dims and a known mode', () => {
    expect(() => init.kaimingUniform_(tg.empty([5]))).toThrow(/^kaimingUniform_: Fan in and fan out can not be computed for tensor with fewer than 2 dimensions/);
    expect(() => init.xavierNormal_(tg.empty([5]))).toThrow(/^xavierNormal_: Fan in/);
    expect(() => init.kaimingNormal_(tg.empty([2, 2]), 0, 'fan_avg' as never)).toThrow(/^kaimingNormal_: Mode "fan_avg" not supported/);
  });
});

describe('randint, randperm', () => {
  test('randint(high, shape) is randint(0, high, shape)', () => {
    tg.manualSeed(1);
    const a = values(tg.randint(10, [6]));
    tg.manualSeed(1);
    expect(values(tg.randint(0, 10, [6]))).toEqual(a);
  });

  test('randint in float dtypes: the same values; ranges of 2^32 and more draw 64 bits', () => {
    tg.manualSeed(1);
    const a = values(tg.randint(-3, 1000, [6]));
    tg.manualSeed(1);
    expect(values(tg.randint(-3, 1000, [6], { dtype: 'float64' }))).toEqual(a);
    // RNG-NOTES §5: random64() % range + low for a range >= 2^32.
    const g = new tg.Generator().manualSeed(2);
    const r = random64(g);
    expect(values(tg.randint(0, 2 ** 40, [1], { dtype: 'float64', generator: g.manualSeed(2) }))).toEqual([Number(r % 2n ** 40n)]);
  });

  test('random64 and randperm reproduce a shuffling DataLoader (RNG-NOTES §8)', () => {
    // torch: torch.manual_seed(3); next(iter(DataLoader(TensorDataset(torch.arange(10)), batch_size=10, shuffle=True)))
    tg.manualSeed(3);
    random64(); // _base_seed
    const samplerSeed = random64() & (2n ** 63n - 1n);
    const order = tg.randperm(10, { generator: new tg.Generator().manualSeed(samplerSeed) });
    expect(values(order)).toEqual([6, 2, 0, 1, 8, 3, 5, 4, 7, 9]);
    // torch: the same with DataLoader(..., generator=torch.Generator().manual_seed(5))
    const g = new tg.Generator().manualSeed(5);
    random64(g);
    expect(values(tg.randperm(10, { generator: g }))).toEqual([7, 4, 8, 1, 2, 3, 6, 5, 9, 0]);
  });

  test('randperm is a permutation, int32', () => {
    const p = tg.randperm(1000);
    expect(p.dtype).toBe(tg.int32);
    expect(values(p).sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(tg.randperm(0).shape).toEqual([0]);
  });
});

describe('bad input gives an error naming the op, before any draw', () => {
  test.each([
    ['rand, negative size', () => tg.rand([2, -1]), /^rand: sizes must be non-negative integers/],
    ['randn, negative size', () => tg.randn(-3), /^randn: sizes must be non-negative integers/],
    ['rand, int dtype', () => tg.rand([2], { dtype: 'int32' }), /^rand: expected a floating point dtype/],
    ['rand, bad generator', () => tg.rand([2], { generator: {} as tg.Generator }), /^rand: generator must be a tg.Generator/],
    ['randint, low == high', () => tg.randint(5, 5, [3]), /^randint: low must be less than high, got low=5, high=5/],
    ['randint, low > high', () => tg.randint(5, 3, [3]), /^randint: low must be less than high/],
    ['randint, non-integer bound', () => tg.randint(0.5, 3, [3]), /^randint: low must be an integer/],
    ['randint, no shape', () => tg.randint(3, 2), /^randint: expected \(low, high, shape/],
    ['randint, beyond int32', () => tg.randint(0, 2 ** 31 + 1, [1]), /^randint: \[0, 2147483649\) does not fit torch\.int32/],
    ['randint, negative size', () => tg.randint(0, 3, [-2]), /^randint: sizes must be non-negative/],
    ['randperm, non-integer n', () => tg.randperm(2.5), /^randperm: n must be an integer, got 2.5/],
    ['randperm, negative n', () => tg.randperm(-1), /^randperm: n must be non-negative, got -1/],
    ['bernoulli_, p > 1', () => tg.empty([3]).bernoulli_(1.5), /^bernoulli_: p must be in \[0, 1\], got 1.5/],
    ['bernoulli_, p < 0', () => tg.empty([3]).bernoulli_(-0.1), /^bernoulli_: p must be in \[0, 1\], got -0.1/],
    ['bernoulli_, p NaN', () => tg.empty([3]).bernoulli_(NaN), /^bernoulli_: p must be in \[0, 1\]/],
    ['dropout, p > 1', () => F.dropout(tg.ones([3]), 1.5), /^dropout: dropout probability has to be between 0 and 1, but got 1.5/],
    ['dropout, p < 0', () => F.dropout(tg.ones([3]), -0.5), /^dropout: dropout probability has to be between 0 and 1/],
    ['normal_, negative std', () => tg.empty([3]).normal_(0, -1), /^normal_: std must be >= 0, got -1/],
    ['normal_, int tensor', () => tg.empty([3], { dtype: 'int32' }).normal_(), /^normal_: expected a floating point tensor/],
    ['uniform_, from > to', () => tg.empty([3]).uniform_(1, 0), /^uniform_: expects to return a \[from, to\) range, but found from=1 > to=0/],
    ['uniform_, infinite bound', () => tg.empty([3]).uniform_(0, Infinity), /^uniform_: to must be finite/],
    ['uniform_, beyond float32', () => tg.empty([3]).uniform_(-3e38, 3e38), /^uniform_: .*within the torch\.float32 range/],
    ['setState, not a state', () => new tg.Generator().setState(new Uint8Array(12)), /^setState: expected the Uint8Array of 2520 bytes/],
    ['setState, corrupt state', () => new tg.Generator().setState(new Uint8Array(2520).fill(255)), /^setState: the state is corrupt/],
  ] as const)('%s', (_name, fn, message) => {
    tg.manualSeed(12);
    const ref = values(tg.rand([3]));
    tg.manualSeed(12);
    expect(fn).toThrow(message);
    expect(values(tg.rand([3]))).toEqual(ref);
  });
});

describe('the portable kernels', () => {
  test('give the values of the SIMD kernels bit for bit (TENSORGRAD_SIMD=scalar)', () => {
    const script = `
      const tg = require('./lib/index.ts');
      tg.manualSeed(7);
      const parts = [tg.randn([100003]), tg.empty([1000]).normal_(2.5, 0.5), tg.nn.init.kaimingNormal_(tg.empty([64, 33]))];
      process.stdout.write(JSON.stringify({ simd: tg.simd, data: parts.map((t) => Buffer.from(t.toTypedArray().buffer).toString('base64')) }));
    `;
    const root = path.resolve(__dirname, '..');
    const child = JSON.parse(
      execFileSync(path.join(root, 'node_modules', '.bin', 'tsx'), ['-e', script], {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, TENSORGRAD_SIMD: 'scalar' },
        maxBuffer: 1 << 26,
      }),
    );
    expect(child.simd).toBe('scalar');
    tg.manualSeed(7);
    const parts = [tg.randn([100003]), tg.empty([1000]).normal_(2.5, 0.5), tg.nn.init.kaimingNormal_(tg.empty([64, 33]))];
    expect(child.data).toEqual(parts.map((t) => Buffer.from(t.toTypedArray().buffer).toString('base64')));
  });
});
