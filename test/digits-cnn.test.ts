// examples/digits-cnn.ts against its PyTorch original (examples/pytorch/digits_cnn.py), both
// run here for one short epoch from the same seed: they must print the same (float32
// rounding aside) and save nearly the same weights.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, expect, test } from 'vitest';
import * as tg from '../lib/index';
import { TORCH_HINT, hasTorch } from './helpers/python';
import { differences } from './helpers/printed';

const root = path.resolve(__dirname, '..');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
const built = fs.existsSync(path.join(root, 'dist', 'index.js'));

describe.skipIf(!hasTorch || !built)(`digits-cnn prints what PyTorch prints${TORCH_HINT}`, () => {
  test('30 seeded steps, test accuracy, checkpoint', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-digits-'));
    const run = (cmd: string, args: string[], checkpoint: string) =>
      execFileSync(cmd, args, {
        encoding: 'utf8',
        cwd: root,
        env: { ...process.env, DIGITS_EPOCHS: '1', DIGITS_STEPS: '30', DIGITS_CHECKPOINT: path.join(dir, checkpoint) },
      });
    const ours = run(tsx, [path.join(root, 'examples', 'digits-cnn.ts')], 'ours.safetensors');
    const theirs = run('/usr/bin/python3', [path.join(root, 'examples', 'pytorch', 'digits_cnn.py')], 'theirs.safetensors');
    expect(differences(ours.replace(/ours\.safetensors/, 'theirs.safetensors'), theirs)).toEqual([]);
    expect(ours).toMatch(/Step \[30\/30\], Loss: \d\.\d{4}\nAccuracy on the 500 test images: \d+\.\d\d %/);
    // The checkpoints: the same keys, the weights within float32 rounding of 30 steps.
    const a = tg.load(path.join(dir, 'ours.safetensors'));
    const b = tg.load(path.join(dir, 'theirs.safetensors'));
    expect(Object.keys(a)).toEqual(Object.keys(b));
    for (const k of Object.keys(a)) expect(a[k].sub(b[k]).abs().max().item()).toBeLessThan(1e-4);
  });
});
