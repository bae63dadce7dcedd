// Runs every case of the golden files through one generic runner (see helpers/golden.ts).
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, expect, test } from 'vitest';
import * as tg from '../lib/index';
import { EXPECTED_FAILURES } from './golden-expected-failures';
import { compareTensor, GOLDEN_DIR, GOLDEN_FILES, loadCases, runCase, SHARED_GOLDEN_DIR, type GoldenCase, type TensorSpec } from './helpers/golden';

/** Runs a case and checks it against the strict expected-failures list: a case listed there
 * must fail (an error or a mismatch), so the list can only shrink as the ops are built. */
function expectCase(file: string, c: GoldenCase): void {
  const problems = runCase(c);
  if (EXPECTED_FAILURES[file]?.includes(c.id)) {
    expect(problems, `${file} ${c.id} passes: remove it from test/golden-expected-failures.ts`).not.toEqual([]);
  } else {
    expect(problems).toEqual([]);
  }
}

for (const file of GOLDEN_FILES) {
  describe(file, () => {
    const cases = loadCases<GoldenCase>(file);
    test.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => expectCase(file, c));
  });
}

describe('the golden runner itself', () => {
  test('lists as expected failures only cases that exist', () => {
    for (const [file, ids] of Object.entries(EXPECTED_FAILURES)) {
      const known = new Set(loadCases<{ id: string }>(file).map((c) => c.id));
      expect(ids.filter((id) => !known.has(id)), file).toEqual([]);
    }
  });

  test('reports a value, shape or dtype mismatch', () => {
    const spec: TensorSpec = { shape: [2], dtype: 'float32', data: [1, 'nan'] };
    const tol = { rtol: 1e-5, atol: 1e-6 };
    expect(compareTensor(tg.tensor([1, NaN]), spec, tol, 'x')).toEqual([]);
    expect(compareTensor(tg.tensor([1.001, NaN]), spec, tol, 'x')).toHaveLength(1);
    expect(compareTensor(tg.tensor([1, 0]), spec, tol, 'x')).toHaveLength(1);
    expect(compareTensor(tg.tensor([[1, NaN]]), spec, tol, 'x')).toHaveLength(1);
    expect(compareTensor(tg.tensor([1, NaN], { dtype: 'float64' }), spec, tol, 'x')).toHaveLength(1);
  });

  test('compares float32 data as the float32 its shortest decimal stands for', () => {
    const exact = { rtol: 0, atol: 0 };
    const spec: TensorSpec = { shape: [1], dtype: 'float32', data: [0.1] };
    expect(compareTensor(tg.tensor([0.1]), spec, exact, 'x')).toEqual([]);
    expect(compareTensor(tg.tensor([Math.fround(0.1) * (1 + 2 ** -23)]), spec, exact, 'x')).toHaveLength(1);
  });
});

describe.skipIf(!fs.existsSync(SHARED_GOLDEN_DIR))('the vendored golden files', () => {
  test.each(fs.existsSync(SHARED_GOLDEN_DIR) ? fs.readdirSync(SHARED_GOLDEN_DIR) : [])('%s is an unmodified copy', (file) => {
    const ours = fs.readFileSync(path.join(GOLDEN_DIR, file));
    expect(ours.equals(fs.readFileSync(path.join(SHARED_GOLDEN_DIR, file)))).toBe(true);
  });
});

describe('scripts/golden.mjs', () => {
  test('runs case files through the same runner and ends with the count line', () => {
    const out = execFileSync(process.execPath, [path.join(__dirname, '..', 'scripts', 'golden.mjs'), 'linalg.json'], { encoding: 'utf8' });
    const cases = loadCases('linalg.json').length;
    expect(out.trim().split('\n').at(-1)).toBe(`${cases} passed, 0 failed`);
  });

  test('reports a failing case and exits non-zero', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'golden-')), 'wrong.json');
    const c = loadCases<{ output: TensorSpec }>('linalg.json')[0];
    fs.writeFileSync(file, JSON.stringify([{ ...c, output: { ...c.output, data: c.output.data.map(() => 12345) } }]));
    const run = spawnSync(process.execPath, [path.join(__dirname, '..', 'scripts', 'golden.mjs'), file], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/^FAIL {2}wrong\.json /m);
    expect(run.stdout.trim().split('\n').at(-1)).toBe('0 passed, 1 failed');
  });
});
