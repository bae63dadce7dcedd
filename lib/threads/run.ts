// tg.threads.run: runs a job module's function in a worker thread of its own and returns
// a Promise of its result. Tensors in the input and the result travel as
// lib/threads/transfer.ts describes (shared ones without a copy).
//
// The thread budget. Every worker has its own native thread pool (one per Node
// environment), so N workers with T threads each run N × T threads. A job asks for
// `numThreads` (default 1) and starts only when that many threads of the budget are
// free (default budget: os.availableParallelism()); jobs wait in FIFO order. Four
// default jobs on two cores thus run two at a time, one thread each, never
// oversubscribed. The main thread's own pool (tg.setNumThreads) is not counted: a
// server that trains in workers and serves predictions on the main thread spends
// little there.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL, fileURLToPath } from 'url';
import { Worker } from 'worker_threads';
import { checkInt, fmtValue, opTypeError } from '../check';
import { decode, encode } from './transfer';
import type { AbortSignalLike, JobData, JobFunction, JobProgress, ToMain, ToWorker, URLLike, WorkerData } from './protocol';

/** The options of tg.threads.run. */
export interface RunOptions {
  /** Cancels the job: its worker is told to stop, the promise rejects with signal.reason
   * once the worker has ended (so the job no longer writes any shared memory). */
  signal?: AbortSignalLike;
  /** Called on the calling thread with the ctx.progress() reports of the job. */
  onProgress?: (progress: JobProgress) => void;
  /** At most one progress report per this many milliseconds crosses to the calling thread:
   * the reports in between are dropped, except the job's last one, which always arrives
   * (before the result). Default 0: every report. A loop reporting every few ms spends
   * less on messages (and wakes the calling thread less) with an interval of 10-50 ms. */
  progressIntervalMs?: number;
  /** The OS scheduling priority of the job's thread and its native threads: a nice value
   * (19 lowest ... -20 highest; os.constants.priority), e.g. PRIORITY_BELOW_NORMAL (10), or
   * 'idle', Linux's SCHED_IDLE policy: the job runs on what the other threads leave, and a
   * thread that wakes (the caller serving a request) takes the job's core at once, where a
   * nice job's slice may first run out (milliseconds); the job's core even counts as free
   * when the kernel places the waking thread, which also puts waking threads on the job's
   * core while another is free: beside a serving thread in examples/train-server.ts (2
   * cores), nice 10 (PRIORITY_BELOW_NORMAL) trained faster than 'idle' at the same
   * request latency. Linux only: elsewhere priorities are per process, and it is ignored.
   * Raising a priority needs privileges. Default: unchanged (the process's). */
  priority?: number | 'idle';
  /** The OS scheduling priority of the job's native helper threads (numThreads - 1 of
   * them), where it should be below the job thread's: a nice value no higher than
   * `priority`'s (a larger or equal number), or 'idle' (SCHED_IDLE). Default: the job
   * thread's. With 'idle', a thread that wakes while the job trains on every core (the
   * caller serving a request) takes a helper's core, where Linux would otherwise as often
   * take the job thread's: then the job thread at most waits for that helper's task in
   * progress, where a preempted job thread stalls the whole step. In
   * examples/train-server.ts (2 cores) a worker on both cores with idle helpers trained
   * about 6% faster than on one, with helpers at its own nice 10 about 2%
   * (bench/PROFILES.md, "Idle helpers"). Linux only; elsewhere ignored. */
  helperPriority?: number | 'idle';
  /** Native threads for the job (tg.setNumThreads in its worker), out of the budget. Default 1. */
  numThreads?: number;
  /** How long a cancelled job may take to return before its worker is terminated
   * (default 2000 ms). Termination waits for the native call in progress to finish. */
  abortGraceMs?: number;
  /** How long the worker, once the job has returned, stays for the next job of the same
   * priority (default 10000 ms; 0: a worker per job; Infinity: for as long as the process
   * runs, as a server that trains now and then may want). A kept worker has the code of
   * tensorgrad and of the jobs compiled (a fresh worker spends about its first second
   * compiling: slower steps, and compiler threads competing with the caller), and the
   * modules it loaded, with their module-level state. It does not keep the process alive,
   * nor do timers a job left behind. A cancelled job's worker is not kept. */
  keepAliveMs?: number;
}

/** The input type of a job function. */
export type JobInput<J> = J extends (input: infer I, ...rest: never[]) => unknown ? I : never;
/** The result type of a job function. */
export type JobResult<J> = J extends (...args: never[]) => infer O ? Awaited<O> : never;

const op = 'threads.run';

// ---- the budget ---------------------------------------------------------------------------

interface Waiter {
  threads: number;
  start: () => void;
}

let budget = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
let threadsInUse = 0;
let running = 0;
const waiting: Waiter[] = [];

function startWaiting(): void {
  while (waiting.length > 0 && threadsInUse + waiting[0].threads <= budget) {
    const w = waiting.shift()!;
    threadsInUse += w.threads;
    ++running;
    w.start();
  }
}

function release(threads: number): void {
  threadsInUse -= threads;
  --running;
  startWaiting();
}

/** Sets how many native threads the workers of tg.threads.run may use together. */
export function setThreadBudget(threads: number): void {
  budget = checkInt('threads.setThreadBudget', 'threads', threads, 1);
  startWaiting();
}

/** How many native threads the workers of tg.threads.run may use together (default: the cores). */
export function getThreadBudget(): number {
  return budget;
}

/** Jobs running and waiting for threads, and the threads the running ones hold. */
export function stats(): {
  /** Jobs running. */
  running: number;
  /** Jobs waiting for threads. */
  waiting: number;
  /** The threads the running jobs hold. */
  threadsInUse: number;
  /** The thread budget (getThreadBudget()). */
  budget: number;
} {
  return { running, waiting: waiting.length, threadsInUse, budget };
}

// ---- kept-alive workers -------------------------------------------------------------------

const DEFAULT_KEEP_ALIVE_MS = 10_000;

interface IdleWorker {
  worker: Worker;
  /** Ends it once keepAliveMs have passed (none when kept for good). */
  timer: NodeJS.Timeout | undefined;
  /** Forgets it if it fails or exits while idle (an error a job's leftover timer threw). */
  onGone: () => void;
}

/** Idle workers by what they can take: their script and priority. */
const idleWorkers = new Map<string, IdleWorker[]>();

/** An idle worker for `key`, no longer idle, if there is one. */
function takeIdleWorker(key: string): Worker | undefined {
  const idle = idleWorkers.get(key)?.pop();
  if (!idle) return undefined;
  clearTimeout(idle.timer);
  idle.worker.off('exit', idle.onGone);
  idle.worker.off('error', idle.onGone);
  idle.worker.ref();
  return idle.worker;
}

/** Parks a worker whose job has returned, for keepAliveMs (unref'd meanwhile). */
function keepIdle(key: string, worker: Worker, keepAliveMs: number): void {
  const list = idleWorkers.get(key) ?? [];
  idleWorkers.set(key, list);
  const forget = (): void => {
    const i = list.indexOf(idle);
    if (i >= 0) list.splice(i, 1);
  };
  // setTimeout would take an infinite delay (anything over 2^31 - 1 ms) as 1 ms.
  const timer = Number.isFinite(keepAliveMs)
    ? setTimeout(() => {
        forget();
        void worker.terminate();
      }, keepAliveMs).unref()
    : undefined;
  const idle: IdleWorker = { worker, timer, onGone: forget };
  worker.on('exit', forget);
  worker.on('error', forget);
  worker.unref();
  list.push(idle);
}

// ---- the worker ---------------------------------------------------------------------------

const TYPESCRIPT = /\.[cm]?ts$/;

/** What the Worker runs: the entry next to this file (worker.js in the built package,
 * worker.ts when the library runs from its TypeScript sources, as in its tests). Node
 * cannot load TypeScript in a worker, not even under tsx (workers do not get its loader
 * hooks), so when the entry or the job is TypeScript the worker starts with a small ES
 * module that registers tsx's hooks first; tsx is then looked up from the job's folder
 * and from this library's. */
function workerScript(jobFile: string): string | URL {
  const entry = path.join(__dirname, `worker${path.extname(__filename)}`);
  if (!TYPESCRIPT.test(entry) && !TYPESCRIPT.test(jobFile)) return entry;
  let esmApi: string, cjsApi: string;
  try {
    const from = { paths: [path.dirname(jobFile), __dirname] };
    cjsApi = require.resolve('tsx/cjs/api', from);
    // The same exports entry under the "import" condition (require.resolve gives the "require" one).
    esmApi = require.resolve('tsx/esm/api', from).replace(/index\.cjs$/, 'index.mjs');
  } catch {
    throw opTypeError(op, `the job module ${jobFile} is TypeScript: install tsx (npm i -D tsx) to run it, or run its compiled JavaScript`);
  }
  const source = [
    `import { register } from ${JSON.stringify(pathToFileURL(esmApi).href)};`,
    "import { createRequire } from 'module';",
    'register();',
    `const require = createRequire(${JSON.stringify(cjsApi)});`,
    `require(${JSON.stringify(cjsApi)}).register();`,
    `require(${JSON.stringify(entry)});`,
  ].join('\n');
  return new URL(`data:text/javascript,${encodeURIComponent(source)}`);
}

function jobUrl(job: unknown): string {
  let url: URL;
  if (job instanceof URL) url = job;
  else if (typeof job === 'string') url = job.startsWith('file:') ? new URL(job) : pathToFileURL(path.resolve(job));
  else throw opTypeError(op, `job must be a URL or a path of a module, got ${fmtValue(job)}`);
  if (url.protocol !== 'file:') throw opTypeError(op, `job must be a file: URL, got ${url.href}`);
  if (!fs.existsSync(fileURLToPath(url))) throw opTypeError(op, `job module ${fileURLToPath(url)} does not exist`);
  return url.href;
}

function workerError(e: { name: string; message: string; stack?: string }): Error {
  const error = e.name === 'AbortError' ? new DOMException(e.message, 'AbortError') : Object.assign(new Error(e.message), { name: e.name });
  if (e.stack) Object.defineProperty(error, 'stack', { value: `${e.stack}\n    (in the tg.threads.run worker)` });
  return error;
}

/** Runs the job module's one exported function, `(input, ctx) => result`, in a worker
 * thread, after the thread budget has room for it. Typed from the job function:
 * `run<typeof import('./job').default>(new URL('./job.js', import.meta.url), input)`. */
export function run<J extends JobFunction = JobFunction>(job: URLLike | string, input: JobInput<J>, options: RunOptions = {}): Promise<JobResult<J>> {
  const url = jobUrl(job);
  const script = workerScript(fileURLToPath(url));
  const { signal, onProgress } = options;
  const numThreads = checkInt(op, 'numThreads', options.numThreads ?? 1, 1);
  if (numThreads > budget) throw opTypeError(op, `numThreads ${numThreads} exceeds the thread budget of ${budget} (threads.setThreadBudget)`);
  const abortGraceMs = options.abortGraceMs ?? 2000;
  if (!(abortGraceMs >= 0)) throw opTypeError(op, `abortGraceMs must be >= 0, got ${fmtValue(options.abortGraceMs)}`);
  const keepAliveMs = options.keepAliveMs ?? DEFAULT_KEEP_ALIVE_MS;
  if (typeof keepAliveMs !== 'number' || !(keepAliveMs >= 0)) throw opTypeError(op, `keepAliveMs must be a number >= 0, got ${fmtValue(options.keepAliveMs)}`);
  const progressIntervalMs = options.progressIntervalMs ?? 0;
  if (typeof progressIntervalMs !== 'number' || !(progressIntervalMs >= 0)) {
    throw opTypeError(op, `progressIntervalMs must be a number >= 0, got ${fmtValue(options.progressIntervalMs)}`);
  }
  const priority = options.priority ?? null;
  if (priority !== null && priority !== 'idle' && !(Number.isInteger(priority) && priority >= -20 && priority <= 19)) {
    throw opTypeError(op, `priority must be an integer nice value from -20 to 19 or 'idle', got ${fmtValue(options.priority)}`);
  }
  const helperPriority = options.helperPriority ?? null;
  // The OS lets a thread lower its priority, not raise it: helpers start at the job thread's.
  const jobNice = priority ?? os.getPriority();
  if (helperPriority !== null && helperPriority !== 'idle' && !(Number.isInteger(helperPriority) && jobNice !== 'idle' && helperPriority >= jobNice && helperPriority <= 19)) {
    throw opTypeError(op, `helperPriority must be 'idle' or an integer nice value from the job's priority (${jobNice}) to 19, got ${fmtValue(options.helperPriority)}`);
  }
  if (onProgress !== undefined && typeof onProgress !== 'function') throw opTypeError(op, `onProgress must be a function, got ${fmtValue(onProgress)}`);
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw opTypeError(op, `signal must be an AbortSignal, got ${fmtValue(signal)}`);
  // Encoded now: the caller's tensors are copied (or shared) as they are at the call.
  const transfer: ArrayBuffer[] = [];
  const message = encode(input, transfer);

  return new Promise<JobResult<J>>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const waiter: Waiter = { threads: numThreads, start: () => start() };
    const onAbortWhileWaiting = (): void => {
      waiting.splice(waiting.indexOf(waiter), 1);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbortWhileWaiting, { once: true });
    waiting.push(waiter);
    startWaiting();

    function start(): void {
      signal?.removeEventListener('abort', onAbortWhileWaiting);
      const abortFlag = new SharedArrayBuffer(4);
      const job: JobData = { jobUrl: url, input: message, numThreads, helperPriority, progressIntervalMs, abortFlag };
      const key = `${priority} ${script instanceof URL ? script.href : script}`;
      let worker = takeIdleWorker(key);
      if (worker) {
        worker.postMessage({ kind: 'job', job } satisfies ToWorker, transfer);
      } else {
        const data: WorkerData = { priority, job };
        worker = new Worker(script, { workerData: data, transferList: transfer });
      }
      const w = worker;
      let outcome: { ok: true; value: unknown } | { ok: false; error: unknown } | null = null;
      let graceTimer: NodeJS.Timeout | undefined;
      const onAbort = (): void => {
        Atomics.store(new Int32Array(abortFlag), 0, 1);
        w.postMessage({ kind: 'abort' } satisfies ToWorker);
        graceTimer = setTimeout(() => void w.terminate(), abortGraceMs);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const settle = (): void => {
        clearTimeout(graceTimer);
        signal?.removeEventListener('abort', onAbort);
        w.off('message', onMessage);
        w.off('error', onError);
        w.off('exit', onExit);
        release(numThreads);
        if (signal?.aborted) reject(signal.reason);
        else if (outcome?.ok) resolve(decode(outcome.value) as JobResult<J>);
        else reject(outcome!.error);
      };
      const onMessage = (m: ToMain): void => {
        if (m.kind === 'progress') {
          onProgress?.(m.progress);
          return;
        }
        outcome ??= m.kind === 'result' ? { ok: true, value: m.value } : { ok: false, error: workerError(m.error) };
        if (keepAliveMs > 0 && !signal?.aborted) {
          // The job has returned: it writes no shared memory any more, its worker stays.
          keepIdle(key, w, keepAliveMs);
          settle();
        } else {
          void w.terminate(); // settles at its exit, once the worker no longer runs anything
        }
      };
      const onError = (e: Error): void => {
        outcome ??= { ok: false, error: e };
      };
      const onExit = (code: number): void => {
        outcome ??= { ok: false, error: new Error(`${op}: the worker exited with code ${code} before the job returned`) };
        settle();
      };
      w.on('message', onMessage);
      w.on('error', onError);
      w.on('exit', onExit);
    }
  });
}
