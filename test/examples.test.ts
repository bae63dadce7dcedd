// Each example is a line-for-line port of a PyTorch program in examples/pytorch/; its
// output must be what PyTorch printed (examples/expected/, from
// scripts/pytorch-example-outputs.sh), apart from JS spelling booleans in lower case and
// float32 rounding in computed numbers (see `sameLine`).
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, test } from 'vitest';

const root = path.resolve(__dirname, '..');
const expectedDir = path.join(root, 'examples', 'expected');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');

const examples = fs
  .readdirSync(expectedDir)
  .filter((f) => f.endsWith('.txt'))
  .map((f) => f.replace(/\.txt$/, ''));

function pythonToJs(output: string): string {
  // Python's print(True); not requires_grad=True, which tensors print in both.
  return output.replace(/(?<!=)\bTrue\b/g, 'true').replace(/(?<!=)\bFalse\b/g, 'false');
}

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

function sameLine(got: string, want: string): boolean {
  if (got === want) return true;
  if (got.replace(NUMBER, '#') !== want.replace(NUMBER, '#')) return false;
  const numbers = got.match(NUMBER) ?? [];
  return (want.match(NUMBER) ?? []).every((w, i) => sameNumber(numbers[i], w));
}

/** The lines of `output` that do not match `expected`. */
function differences(output: string, expected: string): string[] {
  const got = output.split('\n');
  const want = expected.split('\n');
  if (got.length !== want.length) return [`${got.length} lines, expected ${want.length}:\n${output}`];
  return want.flatMap((w, i) => (sameLine(got[i], w) ? [] : [`line ${i + 1}: ${JSON.stringify(got[i])}, expected ${JSON.stringify(w)}`]));
}

describe('the comparison of printed numbers', () => {
  test('allows float32 rounding, not other differences', () => {
    expect(sameLine('tensor(376.1576, grad_fn=<DivBackward0>)', 'tensor(376.1575, grad_fn=<DivBackward0>)')).toBe(true);
    expect(sameLine('1999 12.286672592163086', '1999 12.286673545837402')).toBe(true);
    expect(sameLine('progress: 9 tensor([3.6795e-05])', 'progress: 9 tensor([3.6794e-05])')).toBe(true);
    expect(sameLine('tensor(376.1590)', 'tensor(376.1575)')).toBe(false);
    expect(sameLine('1998 12.286673545837402', '1999 12.286673545837402')).toBe(false);
    expect(sameLine('tensor([ 57.,  70.])', 'tensor([ 56.,  70.])')).toBe(false);
    expect(sameLine('w = 2.000', 'w = 2.001')).toBe(true);
    expect(sameLine('w = 2.000', 'w = 2.002')).toBe(false);
    expect(sameLine('loss =  0.5', 'loss = 0.5')).toBe(false);
  });
});

describe.skipIf(!fs.existsSync(path.join(root, 'dist', 'index.js')))('examples print what PyTorch prints', () => {
  test.each(examples)('%s', (name) => {
    const output = execFileSync(tsx, [path.join(root, 'examples', `${name}.ts`)], { encoding: 'utf8', cwd: root });
    const expected = pythonToJs(fs.readFileSync(path.join(expectedDir, `${name}.txt`), 'utf8'));
    expect(differences(output, expected)).toEqual([]);
  });
});
