/**
 * Tensor printing: `tensorRepr` reproduces PyTorch 1.13's `repr(tensor)` character for
 * character (torch/_tensor_str.py). The functions below follow that file's structure:
 * `Formatter` (`_Formatter`), `tensorStrWithFormatter` / `vectorStr`
 * (`_tensor_str_with_formatter` / `_vector_str`), `summarizedValues`
 * (`get_summarized_data`), `tensorRepr` (`_str_intern`) and `addSuffixes`.
 *
 * Numbers are formatted like Python's `'{:.4f}'` / `'{:.4e}'`: the exact binary value of
 * the double, rounded half-to-even. JS's `toFixed`/`toExponential` break exact ties away
 * from zero, so the digits are computed here with BigInt arithmetic.
 */

export type PrintDType = 'float32' | 'float64' | 'int32' | 'bool';

export interface TensorPrintInfo {
  shape: readonly number[];
  dtype: PrintDType;
  /** All elements in logical row-major order; bool as 0/1; float32 values exact in a double. */
  values: ArrayLike<number>;
  /** True only for a leaf that requires grad -> ", requires_grad=True". */
  requiresGrad: boolean;
  /** e.g. 'AddBackward0' for op results -> ", grad_fn=<AddBackward0>". */
  gradFnName: string | null;
}

/** How tensors print (torch.set_printoptions' options). */
export interface PrintOptions {
  /** Digits after the decimal point (fixed) or of the mantissa (scientific). */
  precision: number;
  /** Tensors with more elements than this are summarised with `...`. */
  threshold: number;
  /** Items shown at each end of every summarised dimension. */
  edgeitems: number;
  /** Characters per line, for wrapping rows and placing suffixes. */
  linewidth: number;
  /** Force (true) or forbid (false) scientific notation; null chooses automatically. */
  sciMode: boolean | null;
}

const PROFILES = {
  default: { precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80 },
  short: { precision: 2, threshold: 1000, edgeitems: 2, linewidth: 80 },
  full: { precision: 4, threshold: Infinity, edgeitems: 3, linewidth: 80 },
} as const;

let printOptions: PrintOptions = { ...PROFILES.default, sciMode: null };

/** The allowed range of each numeric option. Precision is bounded so that one number's
 * digits stay printable (as JS's toFixed bounds it); the others need only be sane. */
const OPTION_RANGES = {
  precision: [0, 100],
  threshold: [0, Infinity],
  edgeitems: [0, 2 ** 31 - 1],
  linewidth: [1, 2 ** 31 - 1],
} as const;

/**
 * Like `torch.set_printoptions`: the profile (if any) is applied first, then the given
 * options. As in PyTorch, `sciMode` is always assigned, so leaving it out resets it to
 * null (automatic).
 */
export function setPrintOptions(
  opts: Partial<PrintOptions> & { profile?: 'default' | 'short' | 'full' },
): void {
  const fail = (message: string): TypeError => new TypeError(`setPrintOptions: ${message}`);
  if (opts === null || typeof opts !== 'object') throw fail(`expected an options object, got ${opts === null ? 'null' : typeof opts}`);
  const unknown = Object.keys(opts).filter((k) => !(k in OPTION_RANGES) && k !== 'sciMode' && k !== 'profile');
  if (unknown.length) throw fail(`unknown option ${unknown.map((k) => `'${k}'`).join(', ')} (options: precision, threshold, edgeitems, linewidth, sciMode, profile)`);
  if (opts.profile !== undefined && !Object.hasOwn(PROFILES, opts.profile)) {
    throw fail(`profile must be 'default', 'short' or 'full', got ${JSON.stringify(opts.profile)}`);
  }
  if (opts.sciMode != null && typeof opts.sciMode !== 'boolean') throw fail(`sciMode must be true, false or null, got ${JSON.stringify(opts.sciMode)}`);
  const next: PrintOptions = {
    ...printOptions,
    ...(opts.profile === undefined ? {} : PROFILES[opts.profile]),
  };
  for (const [key, [min, max]] of Object.entries(OPTION_RANGES) as [keyof typeof OPTION_RANGES, [number, number]][]) {
    const value = opts[key];
    if (value === undefined) continue;
    // threshold may be Infinity (never summarise), as the 'full' profile sets it.
    const integer = Number.isInteger(value) || (key === 'threshold' && value === Infinity);
    if (typeof value !== 'number' || !integer || value < min || value > max) {
      throw fail(`${key} must be an integer in ${min}..${max === Infinity ? 'Infinity' : max}, got ${typeof value === 'number' ? value : JSON.stringify(value)}`);
    }
    next[key] = value;
  }
  next.sciMode = opts.sciMode ?? null;
  printOptions = next;
}

/** A copy of the print options in force (torch._tensor_str.PRINT_OPTS). */
export function getPrintOptions(): PrintOptions {
  return { ...printOptions };
}

// ---------------------------------------------------------------------------------------
// Python-style float formatting, exact and rounded half-to-even.

const float64View = new DataView(new ArrayBuffer(8));

/** |x| * 10^shift rounded to an integer, ties to even, computed on the exact value of x. */
function roundScaledMagnitude(x: number, shift: number): bigint {
  float64View.setFloat64(0, x);
  const bits = float64View.getBigUint64(0);
  const biasedExponent = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  // |x| = mantissa * 2^exponent2 (subnormals have no implicit leading bit).
  const mantissa = biasedExponent === 0 ? fraction : fraction | (1n << 52n);
  const exponent2 = Math.max(biasedExponent, 1) - 1075;

  let numerator = exponent2 >= 0 ? mantissa << BigInt(exponent2) : mantissa;
  let denominator = exponent2 >= 0 ? 1n : 1n << BigInt(-exponent2);
  const power = 10n ** BigInt(Math.abs(shift));
  if (shift >= 0) numerator *= power;
  else denominator *= power;

  const quotient = numerator / denominator;
  const twiceRemainder = 2n * (numerator - quotient * denominator);
  const roundUp =
    twiceRemainder > denominator || (twiceRemainder === denominator && (quotient & 1n) === 1n);
  return roundUp ? quotient + 1n : quotient;
}

/** Python's spelling of non-finite floats, or null for a finite x. */
function nonFiniteStr(x: number): string | null {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  return null;
}

/** Python keeps the sign of -0.0 and of negatives that round to zero. */
function signStr(x: number): string {
  return x < 0 || Object.is(x, -0) ? '-' : '';
}

/** Python's `'{:.<precision>f}'.format(x)`. */
function formatFixed(x: number, precision: number): string {
  const special = nonFiniteStr(x);
  if (special !== null) return special;
  const digits = roundScaledMagnitude(x, precision).toString().padStart(precision + 1, '0');
  const body =
    precision === 0 ? digits : `${digits.slice(0, -precision)}.${digits.slice(-precision)}`;
  return signStr(x) + body;
}

/** Python's `'{:.<precision>e}'.format(x)`: exponent signed, at least two digits. */
function formatSci(x: number, precision: number): string {
  const special = nonFiniteStr(x);
  if (special !== null) return special;
  let exponent = 0;
  let digits = 0n;
  if (x !== 0) {
    // Start from the floating-point estimate and settle the exponent exactly, so that the
    // rounded mantissa has precision + 1 digits (a carry such as 9.99996 -> 1.0000e+01
    // moves it up).
    const lowest = 10n ** BigInt(precision);
    exponent = Math.floor(Math.log10(Math.abs(x)));
    digits = roundScaledMagnitude(x, precision - exponent);
    while (digits >= lowest * 10n) digits = roundScaledMagnitude(x, precision - ++exponent);
    while (digits < lowest) digits = roundScaledMagnitude(x, precision - --exponent);
  }
  const d = digits.toString().padStart(precision + 1, '0');
  const mantissa = precision === 0 ? d : `${d[0]}.${d.slice(1)}`;
  const exponentStr = `${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  return `${signStr(x)}${mantissa}e${exponentStr}`;
}

// ---------------------------------------------------------------------------------------
// _Formatter: chooses int / fixed / scientific mode and a common width for all elements.

class Formatter {
  private readonly floating: boolean;
  private intMode = true;
  private sciMode = false;
  /** Width every element is right-aligned to. */
  readonly width: number = 1;

  /** `values` are the elements that will be shown (the summarised data when summarising). */
  constructor(
    private readonly dtype: PrintDType,
    values: readonly number[],
  ) {
    this.floating = dtype === 'float32' || dtype === 'float64';
    if (!this.floating) {
      this.width = this.widest(values);
      return;
    }

    const nonzeroFinite = values.filter((v) => Number.isFinite(v) && v !== 0);
    // Nothing to measure: stay in int mode, and (as PyTorch does) ignore options.sciMode.
    if (nonzeroFinite.length === 0) return;

    let min = Infinity;
    let max = 0;
    for (const v of nonzeroFinite) {
      min = Math.min(min, Math.abs(v));
      max = Math.max(max, Math.abs(v));
    }
    this.intMode = nonzeroFinite.every((v) => v === Math.ceil(v));
    // In int mode min >= 1, so only the ratio and the maximum can select scientific.
    this.sciMode = max / min > 1000 || max > 1e8 || min < 1e-4;
    // The width is measured in the automatic mode, before options.sciMode overrides it
    // (so a forced mode can misalign columns, exactly as in PyTorch).
    this.width = this.widest(nonzeroFinite);

    if (printOptions.sciMode !== null) this.sciMode = printOptions.sciMode;
  }

  format(value: number): string {
    return this.raw(value).padStart(this.width);
  }

  private widest(values: readonly number[]): number {
    return values.reduce((width, v) => Math.max(width, this.raw(v).length), 1);
  }

  /** The element's text before alignment. */
  private raw(value: number): string {
    if (!this.floating) return this.dtype === 'bool' ? (value ? 'True' : 'False') : String(value);
    if (this.sciMode) return formatSci(value, printOptions.precision);
    if (this.intMode) {
      // The trailing '.' tells a float tensor from an integer one; nan/inf get none.
      return formatFixed(value, 0) + (Number.isFinite(value) ? '.' : '');
    }
    return formatFixed(value, printOptions.precision);
  }
}

// ---------------------------------------------------------------------------------------
// Layout. A sub-tensor is addressed by its offset into the row-major values and its shape:
// only whole slices along the first dimension are ever taken, so it stays contiguous.

/** The indices shown along a dimension of this size; null marks the `...` gap. */
function shownIndices(size: number, summarize: boolean): (number | null)[] {
  const indices = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => from + k);
  const edge = printOptions.edgeitems;
  if (!summarize || size <= 2 * edge) return indices(0, size);
  return [...indices(0, edge), null, ...indices(size - edge, size)];
}

function product(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** get_summarized_data: the elements that will be printed, which the formatter measures. */
function summarizedValues(
  values: ArrayLike<number>,
  offset: number,
  shape: readonly number[],
  out: number[] = [],
): number[] {
  if (shape.length === 0) {
    out.push(values[offset]);
    return out;
  }
  const inner = shape.slice(1);
  const innerSize = product(inner);
  for (const i of shownIndices(shape[0], true)) {
    if (i !== null) summarizedValues(values, offset + i * innerSize, inner, out);
  }
  return out;
}

/** _vector_str: a 1-D row, wrapped so each line holds as many elements as fit. */
function vectorStr(
  values: ArrayLike<number>,
  offset: number,
  size: number,
  indent: number,
  summarize: boolean,
  formatter: Formatter,
): string {
  // Each element takes its width plus ", ".
  const elementLength = formatter.width + 2;
  const perLine = Math.max(1, Math.floor((printOptions.linewidth - indent) / elementLength));
  const items = shownIndices(size, summarize).map((i) =>
    i === null ? ' ...' : formatter.format(values[offset + i]),
  );
  const lines: string[] = [];
  for (let start = 0; start < items.length; start += perLine) {
    lines.push(items.slice(start, start + perLine).join(', '));
  }
  return `[${lines.join(`,\n${' '.repeat(indent + 1)}`)}]`;
}

/** _tensor_str_with_formatter: nested brackets, one more blank line per extra dimension. */
function tensorStrWithFormatter(
  values: ArrayLike<number>,
  offset: number,
  shape: readonly number[],
  indent: number,
  summarize: boolean,
  formatter: Formatter,
): string {
  if (shape.length === 0) return formatter.format(values[offset]);
  if (shape.length === 1) return vectorStr(values, offset, shape[0], indent, summarize, formatter);

  const inner = shape.slice(1);
  const innerSize = product(inner);
  const slices = shownIndices(shape[0], summarize).map((i) =>
    i === null
      ? '...'
      : tensorStrWithFormatter(values, offset + i * innerSize, inner, indent + 1, summarize, formatter),
  );
  const separator = `,${'\n'.repeat(shape.length - 1)}${' '.repeat(indent + 1)}`;
  return `[${slices.join(separator)}]`;
}

/** _tensor_str for a non-empty tensor. */
function tensorStr(info: TensorPrintInfo, indent: number): string {
  const summarize = info.values.length > printOptions.threshold;
  const measured = summarize
    ? summarizedValues(info.values, 0, info.shape)
    : Array.from(info.values);
  const formatter = new Formatter(info.dtype, measured);
  return tensorStrWithFormatter(info.values, 0, info.shape, indent, summarize, formatter);
}

/**
 * _add_suffixes: each suffix follows ", " on the last line, or goes on a new line
 * aligned with the opening bracket when it would pass the line width.
 */
function addSuffixes(tensorString: string, suffixes: string[], indent: number): string {
  const parts = [tensorString];
  // PyTorch's measure of the last line is 2 more than its length; kept for identical breaks.
  let lastLineLength = tensorString.length - tensorString.lastIndexOf('\n') + 1;
  for (const suffix of suffixes) {
    if (lastLineLength + suffix.length + 2 > printOptions.linewidth) {
      parts.push(`,\n${' '.repeat(indent)}${suffix}`);
      lastLineLength = indent + suffix.length;
    } else {
      parts.push(`, ${suffix}`);
      lastLineLength += suffix.length + 2;
    }
  }
  parts.push(')');
  return parts.join('');
}

/** What PyTorch 1.13's `repr(tensor)` prints for a CPU tensor with this content. */
export function tensorRepr(info: TensorPrintInfo): string {
  const numel = product(info.shape);
  if (info.values.length !== numel) {
    throw new Error(
      `tensorRepr: ${info.values.length} values for shape [${info.shape.join(', ')}] (${numel} elements)`,
    );
  }
  const prefix = 'tensor(';
  const indent = prefix.length;
  const suffixes: string[] = [];
  let body: string;
  if (numel === 0) {
    // No elements to show, so the shape (unless it is (0,)) and any non-default dtype,
    // bool included, are spelled out. Empty tensors have at least one dimension, and a
    // 1-D one is (0,), so the size tuple always has two or more entries.
    if (info.shape.length !== 1) suffixes.push(`size=(${info.shape.join(', ')})`);
    if (info.dtype !== 'float32') suffixes.push(`dtype=torch.${info.dtype}`);
    body = '[]';
  } else {
    // float32 is the default dtype; bool values print as True/False and need no suffix.
    if (info.dtype === 'float64' || info.dtype === 'int32') {
      suffixes.push(`dtype=torch.${info.dtype}`);
    }
    body = tensorStr(info, indent);
  }
  if (info.gradFnName !== null) suffixes.push(`grad_fn=<${info.gradFnName}>`);
  else if (info.requiresGrad) suffixes.push('requires_grad=True');
  return addSuffixes(prefix + body, suffixes, indent);
}
