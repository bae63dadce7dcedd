// Run in a worker_thread by test/random.test.ts: seeds the worker's own global
// generator and sends back the first values it draws.
require('tsx/cjs');
const { parentPort, workerData } = require('worker_threads');
const tg = require('../../lib/index.ts');

tg.manualSeed(workerData.seed);
parentPort.postMessage(Array.from(tg.randn([20]).toTypedArray()));
