// The HTTP client of npm run bench:server and bench/request-cost.ts, as JavaScript source:
// it runs in a worker thread of the benchmark's process (as a remote client's, its requests
// go out on time and its own work is not charged to the server's event loop) or on the
// server's own event loop. The main thread's control requests (/train, /status, /cancel)
// use the same request function.
import { Worker } from 'worker_threads';

export const CLIENT_SOURCE = `
const fs = require('fs');
const http = require('http');
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
function request(port, method, path, retries = 1) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => (res.statusCode < 300 ? resolve(body) : reject(new Error(method + ' ' + path + ': ' + res.statusCode + ' ' + body))));
    });
    req.on('error', (e) => {
      // A keep-alive socket that the server closed (its idle timeout) as this request went
      // out on it: a GET is retried, as Node's docs advise (request.reusedSocket).
      if (method === 'GET' && req.reusedSocket && e.code === 'ECONNRESET' && retries > 0) request(port, method, path, retries - 1).then(resolve, reject);
      else reject(e);
    });
    req.end();
  });
}
// The calling thread's CPU time and its time runnable but waiting for a core, in ns
// (Linux schedstat; NaN elsewhere).
function threadSchedstat() {
  try {
    const [cpuNs, waitNs] = fs.readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ').map(Number);
    return { cpuNs, waitNs };
  } catch {
    return { cpuNs: NaN, waitNs: NaN };
  }
}
// Open loop: GET /predict at \`rate\`/s for at most maxMs, every due request sent (late
// ones at once), its latency counted from when it was due.
function startClient(port, rate, maxMs) {
  const latencies = [], sendDelays = [], predictions = new Set(), failureReasons = new Set(), pending = new Set();
  let failures = 0, sent = 0, stopped = false;
  const cpu0 = threadSchedstat().cpuNs;
  const t0 = performance.now(), interval = 1000 / rate;
  const tick = () => {
    const now = performance.now();
    while (!stopped && t0 + sent * interval <= now && sent * interval < maxMs) {
      const due = t0 + sent++ * interval;
      sendDelays.push(now - due);
      const p = request(port, 'GET', '/predict').then(
        (body) => { latencies.push(performance.now() - due); predictions.add(body); },
        (e) => { ++failures; failureReasons.add(e.message); },
      );
      pending.add(p);
      p.finally(() => pending.delete(p));
    }
    if (!stopped && sent * interval < maxMs) setTimeout(tick, Math.max(0, t0 + sent * interval - now));
  };
  tick();
  return {
    async stop() {
      stopped = true;
      await Promise.all(pending);
      const clientCpuMs = (threadSchedstat().cpuNs - cpu0) / 1e6;
      return { latencies, sendDelays, distinctPredictions: predictions.size, failures, failureReasons: [...failureReasons], clientCpuMs };
    },
  };
}
// Closed loop: n GET /predict one after another (each sent when the last one's response ended).
async function sequential(port, n) {
  const cpu0 = threadSchedstat().cpuNs, t0 = performance.now();
  for (let i = 0; i < n; ++i) await request(port, 'GET', '/predict');
  return { ms: performance.now() - t0, clientCpuMs: (threadSchedstat().cpuNs - cpu0) / 1e6 };
}
`;

export interface ClientResult {
  latencies: number[];
  /** How late each request went out (the client's own timer and scheduling delay). */
  sendDelays: number[];
  distinctPredictions: number;
  failures: number;
  failureReasons: string[];
  /** The client thread's CPU time over the run (NaN where /proc does not tell). */
  clientCpuMs: number;
}
export interface ClientModule {
  agent: import('http').Agent;
  request: (port: number, method: string, path: string) => Promise<string>;
  startClient: (port: number, rate: number, maxMs: number) => { stop(): Promise<ClientResult> };
  sequential: (port: number, n: number) => Promise<{ ms: number; clientCpuMs: number }>;
  threadSchedstat: () => { cpuNs: number; waitNs: number };
}

/** The client's functions, on the calling thread. */
export const loadClient = (): ClientModule =>
  new Function('require', `${CLIENT_SOURCE}; return { agent, request, startClient, sequential, threadSchedstat };`)(require) as ClientModule;

/** A worker thread running the client: `start`/`stop` an open-loop run at `rate`, or
 * `sequential(n)` requests back to back. One worker serves a whole benchmark, so that no
 * measurement includes a fresh thread's compiling. */
export class ClientWorker {
  private readonly worker: Worker;

  constructor(
    private readonly port: number,
    rate: number,
    maxMs: number,
  ) {
    this.worker = new Worker(
      `const { parentPort, workerData } = require('worker_threads');
       const { startClient, sequential } = new Function('require', workerData.source + '; return { startClient, sequential };')(require);
       let running = null;
       parentPort.on('message', async (m) => {
         if (m.start) running = startClient(m.start, workerData.rate, workerData.maxMs);
         else if (m === 'stop') parentPort.postMessage(await running.stop());
         else parentPort.postMessage(await sequential(m.port, m.sequential));
       });`,
      { eval: true, workerData: { source: CLIENT_SOURCE, rate, maxMs } },
    );
  }

  /** Starts an open-loop run against `port` (default: the constructor's); stop() ends it
   * and returns its figures. */
  start(port = this.port): { stop(): Promise<ClientResult> } {
    this.worker.postMessage({ start: port });
    return { stop: () => this.call<ClientResult>('stop') };
  }

  sequential(n: number, port = this.port): Promise<{ ms: number; clientCpuMs: number }> {
    return this.call({ sequential: n, port });
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }

  private call<T>(message: unknown): Promise<T> {
    const result = new Promise<T>((resolve, reject) => {
      this.worker.once('message', (r: T) => {
        this.worker.off('error', reject);
        resolve(r);
      });
      this.worker.once('error', reject);
    });
    this.worker.postMessage(message);
    return result;
  }
}
