// npm run demo: options, a short run's report, and the same report from the same seed.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, test } from 'vitest';

const root = path.resolve(__dirname, '..');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
const demo = (...args: string[]): string => execFileSync(tsx, [path.join(root, 'examples', 'demo.ts'), ...args], { encoding: 'utf8', cwd: root });

describe.skipIf(!fs.existsSync(path.join(root, 'dist', 'index.js')))('npm run demo', () => {
  test('--help lists the options', () => {
    const help = demo('--help');
    for (const option of ['--epochs', '--batch-size', '--lr', '--optimizer', '--seed']) expect(help).toContain(option);
  });

  test('a short run learns, reports metrics and a loss curve, and repeats itself under a seed', () => {
    const run = () => demo('--epochs', '40', '--points', '100', '--seed', '3');
    const out = run();
    const loss = Number(/train loss\s+([\d.]+)/.exec(out)?.[1]);
    expect(loss).toBeLessThan(Math.LN2); // better than chance on two balanced classes
    expect(out).toMatch(/train accuracy\s+[\d.]+%/);
    expect(out).toMatch(/test accuracy\s+[\d.]+%/);
    expect(out).toContain('loss per epoch');
    expect(out).toMatch(/epoch 40\/40 \[#{30}\]/);
    const withoutTimes = (s: string) => s.replace(/[\d.]+s\b.*$/gm, '');
    expect(withoutTimes(run())).toBe(withoutTimes(out));
  });

  test('bad options are reported, not thrown', () => {
    expect(() => demo('--optimizer', 'lbfgs')).toThrow(/--optimizer must be one of adam, adamw, sgd, rmsprop, adagrad, got lbfgs/);
  });
});
