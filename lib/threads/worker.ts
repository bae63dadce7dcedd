// The entry point of a tg.threads.run worker: loads the job module, runs its function on
// the decoded input, relays progress and sends the encoded result (or the error); then,
// kept alive, does the same for the next job the caller sends.
import * as os from 'os';
import { parentPort, workerData } from 'worker_threads';
import { setHelperPriority, setNumThreads, setThreadIdleScheduling } from '../native/kernels';
import { decode, encode } from './transfer';
import type { JobContext, JobData, JobFunction, JobProgress, ProgressReport, ToMain, ToWorker, WorkerData } from './protocol';

// tsc turns import() into require() in CommonJS output, which cannot load an ES module job.
const importModule = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<Record<string, unknown>>;

/** The module's one function: its default export, or its only exported function. */
function jobFunction(url: string, mod: Record<string, unknown>): JobFunction {
  if (typeof mod.default === 'function') return mod.default as JobFunction;
  // A CommonJS module imported from ESM: its exports object is the default export
  // (and TypeScript compiled to CommonJS keeps its own default export in it).
  const scope = mod.default !== null && typeof mod.default === 'object' ? (mod.default as Record<string, unknown>) : mod;
  if (typeof scope.default === 'function') return scope.default as JobFunction;
  const functions = Object.values(scope).filter((v) => typeof v === 'function');
  if (functions.length === 1) return functions[0] as JobFunction;
  throw new TypeError(`threads.run: the job module ${url} must export one function (a default export, or a single named one); it exports ${functions.length} functions`);
}

function send(message: ToMain, transfer: ArrayBuffer[] = []): void {
  parentPort!.postMessage(message, transfer);
}

// The job running now: its abort flag, and the AbortController its context offers.
let current: { flag: Int32Array; controller: AbortController } | null = null;

function checkAbort(): void {
  if (current && !current.controller.signal.aborted && Atomics.load(current.flag, 0) === 1) {
    current.controller.abort(new DOMException('The job was cancelled', 'AbortError'));
  }
}

/** Runs one job and sends its result (or its error) to the caller. */
async function runJob({ jobUrl, input, numThreads, helperPriority, progressIntervalMs, abortFlag }: JobData): Promise<void> {
  setNumThreads(numThreads);
  setHelperPriority(helperPriority);
  const controller = new AbortController();
  current = { flag: new Int32Array(abortFlag), controller };
  try {
    const fn = jobFunction(jobUrl, await importModule(jobUrl));
    const start = performance.now();
    // Reports closer than progressIntervalMs to the last one sent wait here; a newer one
    // replaces them, and the last one goes out before the result.
    let lastSent = -Infinity;
    let unsent: JobProgress | null = null;
    const ctx: JobContext = {
      signal: controller.signal,
      numThreads,
      progress(report: ProgressReport): void {
        const now = performance.now();
        unsent = { ...report, elapsedMs: now - start };
        if (now - lastSent >= progressIntervalMs) {
          send({ kind: 'progress', progress: unsent });
          lastSent = now;
          unsent = null;
        }
        checkAbort();
        controller.signal.throwIfAborted();
      },
    };
    const result = await fn(decode(input), ctx);
    if (unsent) send({ kind: 'progress', progress: unsent });
    const transfer: ArrayBuffer[] = [];
    const value = encode(result, transfer);
    send({ kind: 'result', value }, transfer);
  } catch (e: unknown) {
    const error = e instanceof Error || e instanceof DOMException ? e : new Error(String(e));
    send({ kind: 'error', error: { name: error.name, message: error.message, stack: error.stack } });
  } finally {
    current = null;
  }
}

const { priority, job } = workerData as WorkerData;
// Linux gives each thread its own nice value, and the native pool's threads, started by
// this one at its first parallel kernel, inherit it. (A worker only takes jobs of its
// priority: the pool's threads keep the one they started with.)
if (process.platform === 'linux') {
  if (priority === 'idle') setThreadIdleScheduling();
  else if (priority !== null) os.setPriority(priority);
}
// Jobs run one at a time: the caller sends the next one (a kept-alive worker) only after
// this one's result.
parentPort!.on('message', (m: ToWorker) => {
  if (m.kind === 'abort') checkAbort();
  else void runJob(m.job);
});
void runJob(job);
