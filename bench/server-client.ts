// The HTTP client of npm run bench:server and bench/request-cost.ts, as JavaScript source:
// it runs in a worker thread of the benchmark's process (as a remote client's, its requests
// go out on time and its own work is not charged to the server's event loop) or on the
// server's own event loop. GET /predict goes through a minimal HTTP/1.1 client on `net`
// sockets (createGetClient): Node's http.request cost the client thread 0.28–0.62 ms of
// CPU per request, on the core that the training's second thread and V8's threads need,
// where a remote client would cost the server's machine nothing. The main thread's control
// requests (/train, /status, /cancel) use http.request (`request`).
import { Worker } from 'worker_threads';

export const CLIENT_SOURCE = `
const fs = require('fs');
const http = require('http');
const net = require('net');
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
// Parses HTTP/1.1 responses from a byte stream, as they arrive (split anywhere, or several
// in one chunk): the status line, the headers up to the blank line, a body of exactly
// Content-Length bytes. Whatever else it meets (a chunked or close-delimited body, a
// malformed head, a 1xx response) throws an Error that says what: this client is for
// servers that send a Content-Length, as examples/train-server.ts does.
class ResponseParser {
  constructor() {
    this.pending = null; // bytes of a response not yet complete
  }
  // Returns the responses that \`chunk\` completes, in order: { status, body, close }.
  push(chunk) {
    let buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    const responses = [];
    for (;;) {
      const headEnd = buf.indexOf('\\r\\n\\r\\n');
      if (headEnd < 0) {
        if (buf.length > 65536) throw new Error('HTTP response head longer than 64 KiB');
        break;
      }
      const lines = buf.toString('latin1', 0, headEnd).split('\\r\\n');
      const statusLine = /^HTTP\\/1\\.[01] (\\d{3})(?: [^\\r\\n]*)?$/.exec(lines[0]);
      if (!statusLine) throw new Error('unparsable HTTP status line ' + JSON.stringify(lines[0]));
      const status = Number(statusLine[1]);
      if (status < 200) throw new Error('HTTP ' + status + ' responses are not supported');
      let length = -1, close = false;
      for (let i = 1; i < lines.length; ++i) {
        const colon = lines[i].indexOf(':');
        if (colon <= 0) throw new Error('unparsable HTTP header line ' + JSON.stringify(lines[i]));
        const name = lines[i].slice(0, colon).toLowerCase(), value = lines[i].slice(colon + 1).trim();
        if (name === 'content-length') {
          if (!/^\\d+$/.test(value) || (length >= 0 && Number(value) !== length)) throw new Error('invalid Content-Length ' + JSON.stringify(value));
          length = Number(value);
        } else if (name === 'transfer-encoding') {
          throw new Error('Transfer-Encoding ' + JSON.stringify(value) + ' is not supported (only Content-Length bodies)');
        } else if (name === 'connection') {
          close = value.toLowerCase().split(',').some((t) => t.trim() === 'close');
        }
      }
      if (status === 204 || status === 304) length = 0; // no body, whatever the headers say
      if (length < 0) throw new Error('HTTP ' + status + ' response without a Content-Length (close-delimited bodies are not supported)');
      const end = headEnd + 4 + length;
      if (buf.length < end) break;
      responses.push({ status, body: buf.toString('utf8', headEnd + 4, end), close });
      buf = buf.subarray(end);
    }
    this.pending = buf.length ? buf : null;
    return responses;
  }
}
// GET \`path\` from 127.0.0.1:port on keep-alive connections: each request goes out on an
// idle connection (the last one freed), else on a new one, at most maxConnections of them
// (then requests wait for one, as an http.Agent's do); one request on a connection at a
// time. The request's bytes are encoded once. get() resolves with a 2xx response's body
// and rejects with the status and body of any other, or with the connection's error.
function createGetClient(port, path, maxConnections = 64) {
  const requestBytes = Buffer.from('GET ' + path + ' HTTP/1.1\\r\\nHost: 127.0.0.1:' + port + '\\r\\n\\r\\n', 'latin1');
  const idle = [], waiting = [], open = new Set();
  function connect() {
    const conn = { socket: net.connect(port, '127.0.0.1'), parser: new ResponseParser(), request: null, reused: false, received: false, dead: false };
    conn.socket.setNoDelay(true);
    conn.socket.on('data', (chunk) => onData(conn, chunk));
    conn.socket.on('error', (e) => drop(conn, e));
    conn.socket.on('close', () => drop(conn, new Error('GET ' + path + ': the server closed the connection before responding')));
    open.add(conn);
    return conn;
  }
  function onData(conn, chunk) {
    conn.received = true;
    let responses;
    try {
      responses = conn.parser.push(chunk);
    } catch (e) {
      return drop(conn, new Error('GET ' + path + ': ' + e.message));
    }
    for (const r of responses) {
      const request = conn.request;
      if (!request) return drop(conn, new Error('GET ' + path + ': a response that no request asked for'));
      conn.request = null;
      if (r.status < 300) request.resolve(r.body);
      else request.reject(new Error('GET ' + path + ': ' + r.status + ' ' + r.body));
      if (r.close) drop(conn, null);
      else release(conn);
    }
  }
  function send(conn, request) {
    conn.request = request;
    conn.received = false;
    conn.socket.write(requestBytes);
  }
  function dispatch(request) {
    if (idle.length) send(idle.pop(), request);
    else if (open.size < maxConnections) send(connect(), request);
    else waiting.push(request);
  }
  function release(conn) {
    conn.reused = true;
    if (waiting.length) send(conn, waiting.shift());
    else idle.push(conn);
  }
  // Ends a connection; its request, if any, fails with \`error\`, except that one which went
  // out on a reused connection that the server closed (its keep-alive timeout) before any
  // byte came back is sent again once, as Node's docs advise for http.request. A request
  // waiting for a connection then gets the freed place.
  function drop(conn, error) {
    if (conn.dead) return;
    conn.dead = true;
    open.delete(conn);
    const i = idle.indexOf(conn);
    if (i >= 0) idle.splice(i, 1);
    conn.socket.destroy();
    const request = conn.request;
    if (request) {
      if (conn.reused && !conn.received && request.retries-- > 0) dispatch(request);
      else request.reject(error);
    }
    if (waiting.length && open.size < maxConnections) send(connect(), waiting.shift());
  }
  return {
    get: () => new Promise((resolve, reject) => dispatch({ resolve, reject, retries: 1 })),
    connections: () => open.size,
    close() {
      for (const conn of [...open]) drop(conn, new Error('GET ' + path + ': client closed'));
      for (const request of waiting.splice(0)) request.reject(new Error('GET ' + path + ': client closed'));
    },
  };
}
// The GET client of each port and path: its connections stay open from one run to the next.
const getClients = new Map();
function getClient(port, path) {
  const key = port + ' ' + path;
  if (!getClients.has(key)) getClients.set(key, createGetClient(port, path));
  return getClients.get(key);
}
// GET \`path\` (the benchmark's: /predict) through \`http\`: 'raw' (createGetClient) or 'node'
// (http.request, the client that the benchmark used before; kept to compare the two).
const getter = (port, http, path) => (http === 'node' ? () => request(port, 'GET', path) : getClient(port, path).get);
function closeAll() {
  agent.destroy();
  for (const c of getClients.values()) c.close();
  getClients.clear();
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
// Open loop: GET \`path\` at \`rate\`/s for at most maxMs, every due request sent (late
// ones at once), its latency counted from when it was due.
function startClient(port, rate, maxMs, http = 'raw', path = '/predict') {
  const get = getter(port, http, path);
  const latencies = [], sendDelays = [], predictions = new Set(), failureReasons = new Set(), pending = new Set();
  let failures = 0, sent = 0, stopped = false;
  const cpu0 = threadSchedstat().cpuNs;
  const t0 = performance.now(), interval = 1000 / rate;
  const tick = () => {
    const now = performance.now();
    while (!stopped && t0 + sent * interval <= now && sent * interval < maxMs) {
      const due = t0 + sent++ * interval;
      sendDelays.push(now - due);
      const p = get().then(
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
async function sequential(port, n, http = 'raw') {
  const get = getter(port, http, '/predict');
  const cpu0 = threadSchedstat().cpuNs, t0 = performance.now();
  for (let i = 0; i < n; ++i) await get();
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
/** How GET /predict is sent: 'raw', the `net` client (createGetClient), or 'node', Node's
 * http.request with a keep-alive Agent (the benchmark's client before; for comparison). */
export type PredictHttp = 'raw' | 'node';
/** --client-http's value, checked. */
export function parsePredictHttp(value: string | undefined): PredictHttp {
  if (value !== 'raw' && value !== 'node') throw new Error(`--client-http must be raw or node, got ${value}`);
  return value;
}
export interface HttpResponse {
  status: number;
  body: string;
  /** The server said Connection: close. */
  close: boolean;
}
export interface ClientModule {
  /** http.request with a keep-alive Agent; rejects on a status of 300 or more. */
  request: (port: number, method: string, path: string) => Promise<string>;
  ResponseParser: new () => { push(chunk: Buffer): HttpResponse[] };
  createGetClient: (port: number, path: string, maxConnections?: number) => { get(): Promise<string>; connections(): number; close(): void };
  /** Open loop: GET `path` (default /predict) at `rate`/s for at most `maxMs`. */
  startClient: (port: number, rate: number, maxMs: number, http?: PredictHttp, path?: string) => { stop(): Promise<ClientResult> };
  sequential: (port: number, n: number, http?: PredictHttp) => Promise<{ ms: number; clientCpuMs: number }>;
  threadSchedstat: () => { cpuNs: number; waitNs: number };
  /** Closes every connection that the client keeps open. */
  closeAll: () => void;
}

/** The client's functions, on the calling thread. */
export const loadClient = (): ClientModule =>
  new Function('require', `${CLIENT_SOURCE}; return { request, ResponseParser, createGetClient, startClient, sequential, threadSchedstat, closeAll };`)(require) as ClientModule;

/** A worker thread running the client: `start`/`stop` an open-loop run at `rate`, or
 * `sequential(n)` requests back to back. One worker serves a whole benchmark, so that no
 * measurement includes a fresh thread's compiling. */
export class ClientWorker {
  private readonly worker: Worker;

  constructor(
    private readonly port: number,
    rate: number,
    maxMs: number,
    http: PredictHttp = 'raw',
    path = '/predict',
  ) {
    this.worker = new Worker(
      `const { parentPort, workerData } = require('worker_threads');
       const { startClient, sequential } = new Function('require', workerData.source + '; return { startClient, sequential };')(require);
       let running = null;
       parentPort.on('message', async (m) => {
         if (m.start) running = startClient(m.start, workerData.rate, workerData.maxMs, workerData.http, workerData.path);
         else if (m === 'stop') parentPort.postMessage(await running.stop());
         else parentPort.postMessage(await sequential(m.port, m.sequential, workerData.http));
       });`,
      { eval: true, workerData: { source: CLIENT_SOURCE, rate, maxMs, http, path } },
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
