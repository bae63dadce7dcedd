// Run in a worker_thread by test/random.test.ts: seeds the worker's own global
// generator and sends back the first values it draws.
import { parentPort, workerData } from 'worker_threads';
import * as tg from '../../lib/index';

tg.manualSeed(workerData.seed as number);
parentPort!.postMessage(Array.from(tg.randn([20]).toTypedArray()));
