// The built package as users load it: ESM import, CommonJS require, and the addon inside
// a worker thread (all addon state is per environment).
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, expect, test } from 'vitest';

const root = path.resolve(__dirname, '..');

/** Runs `file` with node (after `nodeArgs`) in a fresh folder where `tensorgrad` is this
 * package; `files` are written next to it. */
function runNode(file: string, source: string, files: Record<string, string> = {}, nodeArgs: string[] = []): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-pkg-'));
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(root, path.join(dir, 'node_modules', 'tensorgrad'));
  for (const [name, text] of Object.entries({ ...files, [file]: source })) fs.writeFileSync(path.join(dir, name), text);
  try {
    return execFileSync(process.execPath, [...nodeArgs, path.join(dir, file)], { encoding: 'utf8', cwd: root });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe.skipIf(!fs.existsSync(path.join(root, 'dist', 'index.mjs')))('package entry points', () => {
  test('ESM import * as tg', () => {
    const out = runNode('a.mjs', "import * as tg from 'tensorgrad';\nconsole.log(String(tg.tensor([1, 2]).add(1)), typeof tg.nn.functional.mseLoss, typeof tg.var);");
    expect(out.trim()).toBe('tensor([2., 3.]) function function');
  });

  test('a .ts file run by tsx imports dist/index.mjs and the package (the ESM entry needs no CommonJS interop)', () => {
    const mjs = path.join(root, 'dist', 'index.mjs');
    const source =
      `import * as direct from ${JSON.stringify(mjs)};\nimport * as tg from 'tensorgrad';\n` +
      "console.log(String(direct.tensor([1, 2]).add(1)), direct.Tensor === tg.Tensor, typeof direct.default.zeros);";
    const out = runNode('a.ts', source, {}, ['--import', 'tsx']);
    expect(out.trim()).toBe('tensor([2., 3.]) true function');
  });

  test('CommonJS require', () => {
    const out = runNode('a.cjs', "const tg = require('tensorgrad');\nconsole.log(String(tg.ones(2).sum()));");
    expect(out.trim()).toBe('tensor(2.)');
  });

  test('the addon loads and computes in worker threads', () => {
    const out = runNode(
      'w.cjs',
      `const { Worker } = require('worker_threads');
const tg = require('tensorgrad');
const src = "const tg = require('tensorgrad'); require('worker_threads').parentPort.postMessage(String(tg.ones(2, 2).matmul(tg.ones(2, 3)).sum()));";
let done = 0;
for (let i = 0; i < 2; ++i) {
  const w = new Worker(src, { eval: true });
  w.on('message', (m) => console.log(m));
  w.on('exit', () => { if (++done === 2) console.log(String(tg.ones(3).sum())); });
}`,
    );
    expect(out.trim().split('\n')).toEqual(['tensor(12.)', 'tensor(12.)', 'tensor(3.)']);
  });

  // A job doubles the shared tensor it gets and returns a new (copied back) tensor.
  const jobBody = `(input, ctx) => {
  ctx.progress({ step: 1, loss: 0.5 });
  tg.noGrad(() => input.w.mul_(2));
  return { sum: input.w.sum(), numThreads: tg.getNumThreads() };
}`;
  const mainBody = `const w = tg.tensor([1, 2, 3]).shareMemory_();
const progress = [];
tg.threads.run(JOB, { w }, { onProgress: (p) => progress.push(p.step), numThreads: 1 }).then((r) => {
  console.log(String(w), String(r.sum), r.numThreads, progress.join());
});`;
  const expected = 'tensor([2., 4., 6.]) tensor(12.) 1 1';

  test('threads.run: an ES module job from an ES module', () => {
    const out = runNode('main.mjs', `import * as tg from 'tensorgrad';\nconst JOB = new URL('./job.mjs', import.meta.url);\n${mainBody}`, {
      'job.mjs': `import * as tg from 'tensorgrad';\nexport default async ${jobBody}`,
    });
    expect(out.trim()).toBe(expected);
  });

  test('threads.run: a CommonJS job from CommonJS', () => {
    const out = runNode('main.cjs', `const tg = require('tensorgrad');\nconst JOB = require('path').join(__dirname, 'job.cjs');\n${mainBody}`, {
      'job.cjs': `const tg = require('tensorgrad');\nmodule.exports = async ${jobBody};`,
    });
    expect(out.trim()).toBe(expected);
  });
});
