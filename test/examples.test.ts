// Each example is a line-for-line port of a PyTorch program in examples/pytorch/; its
// output must be what PyTorch printed (examples/expected/, from
// scripts/pytorch-example-outputs.sh), apart from JS spelling booleans in lower case.
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

describe.skipIf(!fs.existsSync(path.join(root, 'dist', 'index.js')))('examples print what PyTorch prints', () => {
  test.each(examples)('%s', (name) => {
    const output = execFileSync(tsx, [path.join(root, 'examples', `${name}.ts`)], { encoding: 'utf8', cwd: root });
    const expected = pythonToJs(fs.readFileSync(path.join(expectedDir, `${name}.txt`), 'utf8'));
    expect(output).toBe(expected);
  });
});
