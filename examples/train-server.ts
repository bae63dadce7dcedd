// npm run example:train-server: trains a model inside a live HTTP server (node:http, no
// framework) while it keeps answering requests. PORT=0 picks any free port.
//
//   POST /train?steps=N&mode=async|worker|blocking[&threads=T]   start training (returns at once)
//   GET  /status    {state, step, steps, loss, stepsPerSecond}
//   GET  /predict   the current model's prediction for one fixed input
//   POST /cancel    stop the training
//
// Modes: `async` trains on the main thread in a `for await` loop over the DataLoader,
// which yields to the event loop every few ms; `worker` trains in a worker thread
// (tg.threads.run) on the model's weights in shared memory, so /predict reads the live
// weights; `blocking` runs the same loop synchronously (for comparison: the server
// answers nothing until it ends).
//
// The thread budget (`threads`: the training's native threads): every core by default.
// Async and blocking train on the serving thread itself, between requests (a core kept
// free would idle); a worker trains beside it, with its helper threads at SCHED_IDLE
// (tg.threads.run's helperPriority), so that the serving thread, when it wakes, takes a
// helper's core and never the trainer's: on 2 cores that trained about 6% faster than a
// worker on one thread (cores - 1, the default until 8 December 2026), where helpers at
// the worker's own priority gained 2% (bench/PROFILES.md, "Idle helpers").
// Priorities (Linux): the worker's thread runs at nice 10 (PRIORITY_BELOW_NORMAL), below
// the serving thread, and V8's background threads at nice 19 (lowerBackgroundThreads),
// below both: the serving thread gets a core first. The worker's own thread is not
// SCHED_IDLE (priority 'idle'), which trained slower (bench:server, 5 rounds each: worker
// 0.93x and 0.87x of blocking at 'idle', 0.94x and 0.94x at nice 10, p99 3-4 ms in all):
// Linux counts a SCHED_IDLE thread's core as idle when it places a waking thread, so the
// serving, client and V8 threads may land on the trainer's core while the other is free.
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import * as tg from 'tensorgrad';
import { makeModel, predict, train, type JobInput } from './train-server-job';
import type trainJob from './train-server-job';

type Mode = 'async' | 'worker' | 'blocking';
const MODES: readonly Mode[] = ['async', 'worker', 'blocking'];

interface Status {
  state: 'idle' | 'training' | 'done' | 'cancelled' | 'failed';
  mode: Mode | null;
  step: number;
  steps: number;
  loss: number | null;
  stepsPerSecond: number;
  error?: string;
}

/** Linux: lowers the threads the process has besides this one, called before any worker
 * starts, to nice 19. They are V8's platform threads, which mark the heap concurrently and
 * compile with TurboFan for every isolate (this thread's and the workers'), and Node's own
 * helpers (libuv's pool if started: tg.async ops, file I/O). At normal priority one of them
 * running on the core where the serving thread (or a client) wakes makes a request wait for
 * its time slice, and in worker mode it outranks the trainer (nice 10);
 * at nice 19 they still get every cycle that serving and training leave. */
function lowerBackgroundThreads(): void {
  if (process.platform !== 'linux') return;
  const self = fs.readlinkSync('/proc/thread-self').split('/').pop(); // "pid/task/tid"
  for (const tid of fs.readdirSync('/proc/self/task')) {
    if (tid !== self) os.setPriority(Number(tid), os.constants.priority.PRIORITY_LOW);
  }
}

export function createTrainServer(): http.Server {
  lowerBackgroundThreads();
  // Shared once: the worker trains these very tensors, /predict reads them. Every run
  // starts from the same initial weights (copied into the shared memory).
  const model = makeModel().shareMemory();
  const initial = makeModel().stateDict();
  const input = tg.randn([1, 784], { generator: new tg.Generator().manualSeed(42) });
  const status: Status = { state: 'idle', mode: null, step: 0, steps: 0, loss: null, stepsPerSecond: 0 };
  let controller: AbortController | null = null;

  function onStep(step: number, loss: number, elapsedMs: number): void {
    Object.assign(status, { step, loss, stepsPerSecond: elapsedMs > 0 ? (1000 * step) / elapsedMs : 0 });
  }

  async function run(mode: Mode, steps: number, threads: number, signal: AbortSignal): Promise<void> {
    const start = performance.now();
    if (mode === 'worker') {
      const job = path.join(__dirname, 'train-server-job.ts');
      await tg.threads.run<typeof trainJob>(job, { weights: model.stateDict(), steps } satisfies JobInput, {
        signal,
        numThreads: threads,
        priority: os.constants.priority.PRIORITY_BELOW_NORMAL,
        helperPriority: 'idle', // a waking serving thread takes a helper's core, not the trainer's
        progressIntervalMs: 10, // /status needs no more: fewer messages, fewer wake-ups of this thread
        // The next /train reuses this worker, however much later: its code stays compiled (a
        // fresh worker spends its first second compiling, beside the serving thread).
        keepAliveMs: Infinity,
        onProgress: (p) => onStep(p.step, p.loss!, p.elapsedMs),
      });
      return;
    }
    // The main thread's pool trains with `threads`, and serves with them too meanwhile.
    const serving = tg.getNumThreads();
    tg.setNumThreads(threads);
    try {
      await train(model, { steps, signal, yielding: mode === 'async', onStep: (step, loss) => onStep(step, loss, performance.now() - start) });
    } finally {
      tg.setNumThreads(serving);
    }
  }

  function startTraining(mode: Mode, steps: number, threads: number): void {
    controller = new AbortController();
    const { signal } = controller;
    model.loadStateDict(initial);
    Object.assign(status, { state: 'training', mode, step: 0, steps, loss: null, stepsPerSecond: 0, error: undefined });
    // Blocking mode starts after this response is written (it then holds the event loop).
    setImmediate(() => {
      run(mode, steps, threads, signal).then(
        () => (status.state = signal.aborted ? 'cancelled' : 'done'),
        (e: Error) => Object.assign(status, signal.aborted ? { state: 'cancelled' } : { state: 'failed', error: e.message }),
      );
    });
  }

  return http.createServer((req, res) => {
    // The hot route first, by plain string comparison: no URL object per prediction.
    if (req.url === '/predict' && req.method === 'GET') return send(res, 200, predict(model, input));
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = `${req.method} ${url.pathname}`;
    if (route === 'GET /predict') return send(res, 200, predict(model, input));
    if (route === 'GET /status') return send(res, 200, status);
    if (route === 'POST /cancel') {
      controller?.abort();
      return send(res, 200, { state: status.state });
    }
    if (route === 'POST /train') {
      const mode = (url.searchParams.get('mode') ?? 'async') as Mode;
      const steps = Number(url.searchParams.get('steps') ?? 1000);
      if (!MODES.includes(mode)) return send(res, 400, { error: `mode must be one of ${MODES.join(', ')}, got ${mode}` });
      if (!Number.isInteger(steps) || steps < 1) return send(res, 400, { error: `steps must be a positive integer, got ${url.searchParams.get('steps')}` });
      const threads = Number(url.searchParams.get('threads') ?? os.availableParallelism());
      if (!Number.isInteger(threads) || threads < 1 || threads > tg.threads.getThreadBudget()) {
        return send(res, 400, { error: `threads must be an integer from 1 to ${tg.threads.getThreadBudget()}, got ${url.searchParams.get('threads')}` });
      }
      if (status.state === 'training') return send(res, 409, { error: 'training is already running (POST /cancel first)' });
      startTraining(mode, steps, threads);
      return send(res, 202, { state: status.state, mode, steps, threads });
    }
    send(res, 404, { error: `no route ${route}` });
  });
}

/** Replies with `body` as JSON. With its Content-Length given, Node sends the headers and
 * the body in one write (without it, writeHead + end sends them chunked: five buffers in a
 * writev, and more of Node's stream code per request). A module-level function rather
 * than a closure per request. */
function send(res: http.ServerResponse, code: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) }).end(json);
}

if (require.main === module) {
  const server = createTrainServer();
  server.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
    console.log(`listening on ${(server.address() as { port: number }).port}`);
  });
}
