// Worker threads that load tensorgrad share one budget of native helper threads (issue 18):
// a worker's default-sized pool starts no helpers while the main thread's pool holds the
// machine's cores - 1, while a pool sized with setNumThreads still gets what it asks for.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expect, test } from 'vitest';

const dist = path.resolve(__dirname, '..', '..', 'dist', 'index.js');
const cores = os.availableParallelism();

// In a fresh process (the budget is process-wide): the main thread runs a matmul that
// splits over its pool, then a worker counts the process's threads (/proc) around one.
function workerThreadDelta(workerSetup: string): { main: number; worker: number } {
  const threads = "() => Number(/Threads:\\s*(\\d+)/.exec(require('fs').readFileSync('/proc/self/status', 'utf8'))[1])";
  const work = 'tg.randn([512, 512]).matmul(tg.randn([512, 512])).sum().item()';
  const workerSrc = `const tg = require(${JSON.stringify(dist)}); const threads = ${threads}; ${workerSetup}
const before = threads(); ${work}; require('worker_threads').parentPort.postMessage(threads() - before);`;
  const mainSrc = `const tg = require(${JSON.stringify(dist)}); const threads = ${threads};
const before = threads(); ${work}; const main = threads() - before;
const { Worker } = require('worker_threads');
new Worker(${JSON.stringify(workerSrc)}, { eval: true }).on('message', (worker) => console.log(JSON.stringify({ main, worker })));`;
  return JSON.parse(execFileSync(process.execPath, ['-e', mainSrc], { encoding: 'utf8' }));
}

test.skipIf(cores < 2 || !fs.existsSync('/proc/self/status') || !fs.existsSync(dist))(
  "a worker's default pool takes no helpers once the main thread's pool holds the budget",
  () => {
    expect(workerThreadDelta('')).toEqual({ main: cores - 1, worker: 0 });
    // The same measurement sees a pool start when the worker sizes its own.
    expect(workerThreadDelta('tg.setNumThreads(2);')).toEqual({ main: cores - 1, worker: 1 });
  },
);
