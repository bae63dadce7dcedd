// Comparing what a tensorgrad program printed with what its PyTorch original printed:
// the same text, apart from float32 rounding in computed numbers.

const NUMBER = /-?\d+(?:\.\d*)?(?:e[+-]?\d+)?/gi;

/** Whether `got` prints `want` within float32 rounding: integers exactly, other numbers
 * to 2e-6 relative plus one unit of their last printed digit (a sum taken in another
 * order can round the other way), everything else character for character. */
function sameNumber(got: string, want: string): boolean {
  if (!/[.e]/i.test(want)) return got === want;
  const [mantissa, exponent = '0'] = want.toLowerCase().split('e');
  const decimals = mantissa.length - mantissa.indexOf('.') - 1;
  const unit = mantissa.includes('.') && decimals > 0 ? 10 ** (Number(exponent) - decimals) : 0;
  return Math.abs(Number(got) - Number(want)) <= unit + 2e-6 * Math.abs(Number(want));
}

export function sameLine(got: string, want: string): boolean {
  if (got === want) return true;
  if (got.replace(NUMBER, '#') !== want.replace(NUMBER, '#')) return false;
  const numbers = got.match(NUMBER) ?? [];
  return (want.match(NUMBER) ?? []).every((w, i) => sameNumber(numbers[i], w));
}

/** The lines of `output` that do not match `expected`. */
export function differences(output: string, expected: string): string[] {
  const got = output.split('\n');
  const want = expected.split('\n');
  if (got.length !== want.length) return [`${got.length} lines, expected ${want.length}:\n${output}`];
  return want.flatMap((w, i) => (sameLine(got[i], w) ? [] : [`line ${i + 1}: ${JSON.stringify(got[i])}, expected ${JSON.stringify(w)}`]));
}
