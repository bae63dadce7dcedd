import { afterEach, describe, expect, it } from 'vitest';
import { loadCases } from './helpers/golden';
import {
  getPrintOptions,
  setPrintOptions,
  tensorRepr,
  type PrintDType,
  type TensorPrintInfo,
} from '../lib/print';

// ---------------------------------------------------------------------------------------
// Golden cases (generated from PyTorch 1.13.1, see test/golden/README.md "Print cases").

type SpecValue = number | 'nan' | 'inf' | '-inf';
interface TensorSpec {
  shape: number[];
  dtype: 'float32' | 'float64' | 'int32';
  data: SpecValue[];
  requiresGrad?: boolean;
}
interface PrintCase {
  id: string;
  kind: 'print';
  inputs: Record<string, TensorSpec>;
  expr: unknown[] | null;
  repr: string;
  gradFn: string | null;
}

const cases: PrintCase[] = loadCases<PrintCase>('printing.json');
const leafCases = cases.filter((c) => c.expr === null);
const opCases = cases.filter((c) => c.expr !== null);

function decode(value: SpecValue | string): number {
  if (value === 'nan') return NaN;
  if (value === 'inf') return Infinity;
  if (value === '-inf') return -Infinity;
  return Number(value);
}

/** float32 data goes through Math.fround, as a Float32Array would store it. */
function toStorage(dtype: PrintDType, data: readonly (SpecValue | string)[]): number[] {
  return data.map((v) => (dtype === 'float32' ? Math.fround(decode(v)) : decode(v)));
}

function infoFromSpec(spec: TensorSpec): TensorPrintInfo {
  return {
    shape: spec.shape,
    dtype: spec.dtype,
    values: toStorage(spec.dtype, spec.data),
    requiresGrad: spec.requiresGrad ?? false,
    gradFnName: null,
  };
}

describe('golden print cases: leaves (expr null)', () => {
  it('has the 65 leaf cases', () => {
    expect(leafCases).toHaveLength(65);
  });

  it.each(leafCases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    expect(tensorRepr(infoFromSpec(c.inputs.x))).toBe(c.repr);
  });
});

/**
 * Reads back what a repr shows: the shape and the printed numbers, e.g.
 * `tensor([[ 1.5000, -2.0000]], grad_fn=<X>)` -> shape [1, 2], values ['1.5000', '-2.0000'].
 */
function parseShownTensor(repr: string): { shape: number[]; shown: string[] } {
  const body = repr.slice('tensor('.length);
  if (body.startsWith('[]')) {
    const size = /size=\(([^)]*)\)/.exec(body);
    return { shape: size ? size[1].split(', ').map(Number) : [0], shown: [] };
  }
  if (!body.startsWith('[')) return { shape: [], shown: [/^[^,)]+/.exec(body)![0]] };

  let depth = 0;
  let end = 0;
  do {
    if (body[end] === '[') depth++;
    if (body[end] === ']') depth--;
    end++;
  } while (depth > 0);
  const tokens = body.slice(0, end).match(/\[|\]|[^\s,[\]]+/g)!;
  type Nested = (Nested | string)[];
  const stack: Nested[] = [[]];
  for (const token of tokens) {
    if (token === '[') {
      const child: Nested = [];
      stack[stack.length - 1].push(child);
      stack.push(child);
    } else if (token === ']') {
      stack.pop();
    } else {
      stack[stack.length - 1].push(token);
    }
  }
  const shape: number[] = [];
  for (let level: Nested | string = stack[0][0]; Array.isArray(level); level = level[0]) {
    shape.push(level.length);
  }
  return { shape, shown: (stack[0] as unknown[]).flat(Infinity) as string[] };
}

/** The dtype of an op result: the inputs' float dtype, or int32 when all are int32. */
function resultDType(inputs: Record<string, TensorSpec>): PrintDType {
  const dtypes = Object.values(inputs).map((s) => s.dtype);
  return dtypes.find((d) => d !== 'int32') ?? 'int32';
}

describe('golden print cases: op results (printed values read back)', () => {
  // These need ops to evaluate. What is checked here: given the values the repr shows
  // (each decimal is within half a unit of the last digit of the true value, so it
  // formats back to itself), the shape it shows, the result dtype and the expected
  // grad_fn, tensorRepr rebuilds the whole string: layout, widths, modes and suffixes.
  // The read-back values cannot help tensorRepr: ops and suffixes come from the case.
  it('has the 104 op cases, none summarised', () => {
    expect(opCases).toHaveLength(104);
    expect(opCases.filter((c) => c.repr.includes('...'))).toEqual([]);
  });

  it.each(opCases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const dtype = resultDType(c.inputs);
    const { shape, shown } = parseShownTensor(c.repr);
    // A result without grad_fn requires grad only when the op returned its input itself.
    const requiresGrad =
      c.gradFn === null && Object.values(c.inputs).some((s) => s.requiresGrad === true);
    const info: TensorPrintInfo = {
      shape,
      dtype,
      values: toStorage(dtype, shown),
      requiresGrad,
      gradFnName: c.gradFn,
    };
    expect(tensorRepr(info)).toBe(c.repr);
  });
});

// ---------------------------------------------------------------------------------------
// Unit tests. Expected strings are derived by hand from torch/_tensor_str.py (1.13), with
// number formatting checked against Python 3's str.format where noted.

function t(
  shape: number[],
  values: ArrayLike<number>,
  dtype: PrintDType = 'float32',
  extra: Partial<TensorPrintInfo> = {},
): string {
  const stored = dtype === 'float32' ? Array.from(values, Math.fround) : values;
  return tensorRepr({ shape, dtype, values: stored, requiresGrad: false, gradFnName: null, ...extra });
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

afterEach(() => setPrintOptions({ profile: 'default' }));

describe('rounding: exact binary value, ties to even', () => {
  it('fixed mode rounds the exact double, not its product with 10^4', () => {
    // Python: Decimal(1.00025) = 1.000250000000000083... -> '{:.4f}' gives 1.0003, although
    // 1.00025 * 1e4 == 10002.5 in floating point; Decimal(2.00005) = 2.0000499999999998...
    // -> 2.0000, although 2.00005 * 1e4 == 20000.5.
    expect(t([5], [1.00005, 1.00015, 1.00025, 1.00035, 2.00005], 'float64')).toBe(
      'tensor([1.0001, 1.0002, 1.0003, 1.0004, 2.0000], dtype=torch.float64)',
    );
  });

  it('fixed mode: exact ties at the fifth decimal go to the even digit', () => {
    // k/32 has exactly five decimals: 0.03125 -> 0.0312, 0.09375 -> 0.0938, 0.15625 -> 0.1562,
    // 0.28125 -> 0.2812, 20.03125 -> 20.0312 (Python agrees; JS toFixed rounds all up).
    // Width 7; the last line "tensor([...])" is 61 chars, 61 + 2 + 19 + 2 > 80, so the
    // dtype suffix moves to a new line indented by len("tensor(").
    expect(t([6], [0.03125, 0.09375, 0.15625, 0.28125, -0.09375, 20.03125], 'float64')).toBe(
      'tensor([ 0.0312,  0.0938,  0.1562,  0.2812, -0.0938, 20.0312],\n' +
        '       dtype=torch.float64)',
    );
  });

  it('float32 values near the 0.00005 boundaries round by their float32 value', () => {
    // float32(0.00015) = 1.5000000712e-4 -> 0.0002; float32(0.00025) = 2.5000001187e-4 -> 0.0003;
    // float32(0.00035) = 3.4999998752e-4 -> 0.0003; float32(0.00045) = 4.4999999227e-4 -> 0.0004.
    // min > 1e-4 and max/min = 3, so fixed mode.
    expect(t([4], [0.00015, 0.00025, 0.00035, 0.00045])).toBe(
      'tensor([0.0002, 0.0003, 0.0003, 0.0004])',
    );
  });

  it('scientific mode: ties to even, exact values, carry into the exponent', () => {
    // 2^-8 = 0.00390625 -> 3.9062e-03 (tie, 2 even), 5*2^-7 = 0.0390625 -> 3.9062e-02,
    // 9*2^-7 = 0.0703125 -> 7.0312e-02, 100.625 -> 1.0062e+02, 3*2^-7 = 0.0234375 ->
    // 2.3438e-02 (tie, 7 odd). max/min > 1000 -> sci.
    expect(t([5], [0.00390625, 0.0390625, 0.0703125, 100.625, 0.0234375], 'float64')).toBe(
      'tensor([3.9062e-03, 3.9062e-02, 7.0312e-02, 1.0062e+02, 2.3438e-02],\n' +
        '       dtype=torch.float64)',
    );
    // Python: '{:.4e}' of 1.23455e-05 (exactly 1.2345500000000000006e-05) -> 1.2346e-05,
    // 2.5e-05 -> 2.5000e-05, 9.99995 (exactly 9.99995000000000011...) -> 1.0000e+01.
    expect(t([3], [1.23455e-5, 2.5e-5, 9.99995], 'float64')).toBe(
      'tensor([1.2346e-05, 2.5000e-05, 1.0000e+01], dtype=torch.float64)',
    );
  });

  it('negative zero keeps its sign and, as in PyTorch, is not counted in the width', () => {
    // Widths come from nonzero finite values only: '1.0000e-05' is 10 wide, '-0.0000e+00' 11.
    expect(t([3], [-0, 1e-5, 1], 'float64')).toBe(
      'tensor([-0.0000e+00, 1.0000e-05, 1.0000e+00], dtype=torch.float64)',
    );
  });

  it('precision 0 has no decimal point and still rounds half to even', () => {
    setPrintOptions({ precision: 0 });
    // Python: ['{:.0f}'.format(v) for v in [0.5, 1.5, 2.5, 0.25, -0.5]] == ['0', '2', '2', '0', '-0']
    expect(t([5], [0.5, 1.5, 2.5, 0.25, -0.5])).toBe('tensor([ 0,  2,  2,  0, -0])');
    // Python: '{:.0e}'.format(1.5) == '2e+00', '{:.0e}'.format(25.0) == '2e+01'.
    expect(t([3], [1.5, 25, 1e-5], 'float64')).toBe(
      'tensor([2e+00, 2e+01, 1e-05], dtype=torch.float64)',
    );
  });
});

describe('line wrapping', () => {
  it('puts floor((linewidth - indent) / (width + 2)) elements on a line', () => {
    // int32 0..19: width 2, element length 4, (80 - 7) / 4 -> 18 per line; continuation
    // lines are indented by indent + 1 = 8.
    const row1 = range(18).map((i) => String(i).padStart(2)).join(', ');
    expect(t([20], range(20), 'int32')).toBe(
      `tensor([${row1},\n        18, 19], dtype=torch.int32)`,
    );
  });

  it('follows the linewidth option, one level deeper per dimension', () => {
    setPrintOptions({ linewidth: 40 });
    // 2x6 of x.5: width 7 ('-1.5000'), element length 9; rows sit at indent 8:
    // (40 - 8) / 9 -> 3 per line, continuation lines indented by 9. The suffix then goes
    // on its own line: the last line is 36 chars, 36 + 2 + 18 + 2 > 40.
    const values = [1.5, 2.5, 3.5, 4.5, 5.5, 6.5, -1.5, -2.5, -3.5, -4.5, -6.5, 0.5];
    expect(t([2, 6], values, 'float32', { requiresGrad: true })).toBe(
      'tensor([[ 1.5000,  2.5000,  3.5000,\n' +
        '          4.5000,  5.5000,  6.5000],\n' +
        '        [-1.5000, -2.5000, -3.5000,\n' +
        '         -4.5000, -6.5000,  0.5000]],\n' +
        '       requires_grad=True)',
    );
  });
});

describe('summarisation', () => {
  it('1-D of 2000 elements: edge items only, formatter measured on them', () => {
    // Shown data 0, 1, 2, 1997, 1998, 1999: integer-valued but max/min = 1999 > 1000 -> sci,
    // width 10, element length 12, 73 / 12 -> 6 per line; ' ...' counts as an element.
    expect(t([2000], range(2000))).toBe(
      'tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n' +
        '        1.9990e+03])',
    );
  });

  it('2-D 100x100: rows and columns summarised, "...," on a line of its own', () => {
    // value = 100 * row + col; width 4 from 9999.
    const row = (r: number) => {
      const cell = (c: number) => String(100 * r + c).padStart(4);
      return `[${[0, 1, 2].map(cell).join(', ')},  ..., ${[97, 98, 99].map(cell).join(', ')}]`;
    };
    const rows = [row(0), row(1), row(2), '...', row(97), row(98), row(99)];
    expect(t([100, 100], range(10000), 'int32')).toBe(
      `tensor([${rows.join(',\n        ')}], dtype=torch.int32)`,
    );
  });

  it('the threshold counts elements: 1000 prints in full, full profile never summarises', () => {
    expect(t([1000], range(1000), 'int32')).not.toContain('...');
    expect(t([1001], range(1001), 'int32')).toContain('...');
    setPrintOptions({ profile: 'full' });
    expect(getPrintOptions().threshold).toBe(Infinity);
    expect(t([2000], range(2000), 'int32')).not.toContain('...');
  });
});

describe('dtypes and suffixes', () => {
  it('int32 prints without a decimal point and with its dtype', () => {
    expect(t([2, 2], [1, -20, 300, 4], 'int32')).toBe(
      'tensor([[  1, -20],\n        [300,   4]], dtype=torch.int32)',
    );
    expect(t([], [-7], 'int32')).toBe('tensor(-7, dtype=torch.int32)');
  });

  it('bool prints True/False right-aligned and needs no dtype suffix', () => {
    // Width 5 from 'False'.
    expect(t([3], [1, 0, 1], 'bool')).toBe('tensor([ True, False,  True])');
    expect(t([], [1], 'bool')).toBe('tensor(True)');
    expect(t([2, 1], [0, 0], 'bool')).toBe('tensor([[False],\n        [False]])');
  });

  it('float64 carries its dtype before grad_fn', () => {
    expect(t([2], [0.5, 1], 'float64', { gradFnName: 'MulBackward0' })).toBe(
      'tensor([0.5000, 1.0000], dtype=torch.float64, grad_fn=<MulBackward0>)',
    );
  });

  it('grad_fn takes precedence over requires_grad', () => {
    expect(t([], [2.5], 'float32', { requiresGrad: true, gradFnName: 'SumBackward0' })).toBe(
      'tensor(2.5000, grad_fn=<SumBackward0>)',
    );
  });
});

describe('empty tensors', () => {
  it('print [] with the size unless it is (0,), and any non-float32 dtype', () => {
    expect(t([0], [])).toBe('tensor([])');
    expect(t([0], [], 'int32')).toBe('tensor([], dtype=torch.int32)');
    // Unlike a non-empty one, an empty bool tensor names its dtype (it is not float32).
    expect(t([0], [], 'bool')).toBe('tensor([], dtype=torch.bool)');
    expect(t([3, 0, 2], [], 'float32')).toBe('tensor([], size=(3, 0, 2))');
    expect(t([0, 3], [], 'float64', { requiresGrad: true })).toBe(
      'tensor([], size=(0, 3), dtype=torch.float64, requires_grad=True)',
    );
  });

  it('rejects values that do not match the shape', () => {
    expect(() => t([2, 2], [1, 2, 3])).toThrow(/3 values for shape \[2, 2\]/);
  });
});

describe('nesting', () => {
  it('4-D: ndim - 1 newlines between slices, indent grows by one per level', () => {
    // 3-D slices at indent 8 are joined by ',\n\n' + 9 spaces.
    expect(t([1, 2, 1, 2], [1, 2, 3, 4], 'int32')).toBe(
      'tensor([[[[1, 2]],\n\n         [[3, 4]]]], dtype=torch.int32)',
    );
  });

  it('4-D summarised: "...," between blank lines at the outer level', () => {
    // 7x1x1x150 = 1050 elements: dim 0 shows 0,1,2,4,5,6, dim 3 shows 0,1,2,147,148,149;
    // value = 1000 * i + j, width 4. Outer slices are joined by ',\n\n\n' + 8 spaces. The
    // last line is 55 chars: 55 + 2 + 19 + 2 <= 80, so the suffix stays on it.
    const slice = (i: number) => {
      const cell = (j: number) => String(1000 * i + j).padStart(4);
      return `[[[${[0, 1, 2].map(cell).join(', ')},  ..., ${[147, 148, 149].map(cell).join(', ')}]]]`;
    };
    const slices = [slice(0), slice(1), slice(2), '...', slice(4), slice(5), slice(6)];
    const values = range(1050).map((k) => 1000 * Math.floor(k / 150) + (k % 150));
    expect(t([7, 1, 1, 150], values, 'int32')).toBe(
      `tensor([${slices.join(',\n\n\n        ')}], dtype=torch.int32)`,
    );
  });
});

describe('print options', () => {
  it('precision, as in the torch.set_printoptions docs', () => {
    setPrintOptions({ precision: 2 });
    expect(t([1], [1.12345])).toBe('tensor([1.12])');
    setPrintOptions({ profile: 'default' });
    expect(t([1], [1.12345])).toBe('tensor([1.1235])');
  });

  it('threshold and edgeitems', () => {
    // The docs show 'tensor([0, 1, 2, ..., 7, 8, 9])' for arange(10) with threshold=5, but
    // _vector_str joins the ' ...' item with ', ', giving two spaces (as golden
    // print/threshold-1001-summarized shows).
    setPrintOptions({ threshold: 5 });
    expect(t([10], range(10), 'int32')).toBe('tensor([0, 1, 2,  ..., 7, 8, 9], dtype=torch.int32)');
    setPrintOptions({ profile: 'short', threshold: 5 });
    expect(t([10], range(10), 'int32')).toBe('tensor([0, 1,  ..., 8, 9], dtype=torch.int32)');
  });

  it('sciMode forces a mode, keeping the width measured in the automatic one', () => {
    setPrintOptions({ sciMode: true });
    // Automatic mode is fixed (width 6), so the sci strings are not padded.
    expect(t([2], [1.5, 2.25])).toBe('tensor([1.5000e+00, 2.2500e+00])');
    setPrintOptions({ sciMode: false });
    // Automatic mode is sci (width 10): fixed strings are padded to 10.
    expect(t([2], [1e-5, 1])).toBe('tensor([    0.0000,     1.0000])');
  });

  it('sciMode does not apply when there is no nonzero finite value', () => {
    setPrintOptions({ sciMode: true });
    expect(t([2], [0, NaN])).toBe('tensor([0., nan])');
  });

  it('like torch.set_printoptions, omitting sciMode resets it to automatic', () => {
    setPrintOptions({ sciMode: true });
    setPrintOptions({ linewidth: 100 });
    expect(getPrintOptions()).toEqual({
      precision: 4,
      threshold: 1000,
      edgeitems: 3,
      linewidth: 100,
      sciMode: null,
    });
  });

  it('rejects a precision or edgeitems that is not a non-negative integer', () => {
    expect(() => setPrintOptions({ precision: -1 })).toThrow(/precision/);
    expect(() => setPrintOptions({ edgeitems: 1.5 })).toThrow(/edgeitems/);
    expect(getPrintOptions().precision).toBe(4);
  });
});
