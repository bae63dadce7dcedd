// Each example is a line-for-line port of a PyTorch program in examples/pytorch/; its
// output must be what PyTorch printed (examples/expected/, from
// scripts/pytorch-example-outputs.sh), apart from JS spelling booleans in lower case and
// float32 rounding in computed numbers (see `sameLine`).
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, test } from 'vitest';
import { differences, sameLine } from './helpers/printed';

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
