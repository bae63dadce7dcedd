// bench/server-client.ts's HTTP/1.1 client on `net` sockets (bench:server's GET /predict),
// against a real node:http server: the bytes Node writes, split anywhere or several
// responses at once; keep-alive reuse and the connection limit; errors.
import * as http from 'http';
import * as net from 'net';
import type { AddressInfo } from 'net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadClient } from '../bench/server-client';

const client = loadClient();
let server: http.Server;
let port = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const json = (code: number, body: string) => res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
    if (req.url === '/ok') return json(200, '{"answer":"ünïcode"}');
    if (req.url === '/missing') return json(404, '{"error":"no such route"}');
    if (req.url === '/empty') return res.writeHead(204).end();
    if (req.url === '/chunked') return res.write('no ', () => res.end('content-length')); // two writes on keep-alive: Node sends them chunked
    if (req.url === '/hang-up') return req.socket.destroy();
    if (req.url === '/last') return res.writeHead(200, { 'content-length': 4, connection: 'close' }).end('last');
    if (req.url === '/split') {
      // Head and two halves of the body as three writes, 20 ms apart: three TCP segments.
      res.writeHead(200, { 'content-length': 10 }).flushHeaders();
      setTimeout(() => res.write('01234'), 20);
      return setTimeout(() => res.end('56789'), 40);
    }
    if (req.url === '/slow') return setTimeout(() => json(200, `"${req.url}"`), 50);
    json(500, 'unexpected');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => server.close());

/** The raw bytes node:http answers to `requests` sent at once (pipelined) on one socket,
 * the last with Connection: close, so that the server ends the stream after it. */
function rawResponses(paths: string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('end', () => resolve(Buffer.concat(chunks)));
    socket.on('error', reject);
    socket.write(paths.map((p, i) => `GET ${p} HTTP/1.1\r\nHost: x\r\n${i === paths.length - 1 ? 'Connection: close\r\n' : ''}\r\n`).join(''));
  });
}

describe('ResponseParser', () => {
  const expected = [
    { status: 200, body: '{"answer":"ünïcode"}', close: false },
    { status: 204, body: '', close: false },
    { status: 404, body: '{"error":"no such route"}', close: true },
  ];

  test('parses several responses in one chunk, and any split of them', async () => {
    const bytes = await rawResponses(['/ok', '/empty', '/missing']);
    expect(new client.ResponseParser().push(bytes)).toEqual(expected);
    for (let i = 0; i <= bytes.length; ++i) {
      const parser = new client.ResponseParser();
      const got = [...parser.push(bytes.subarray(0, i)), ...parser.push(bytes.subarray(i))];
      expect(got, `split at byte ${i}`).toEqual(expected);
    }
    const parser = new client.ResponseParser();
    const byteByByte = [...bytes].flatMap((b) => parser.push(Buffer.from([b])));
    expect(byteByByte).toEqual(expected);
  });

  test('rejects what it cannot parse, saying what', async () => {
    expect(() => new client.ResponseParser().push(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'))).not.toThrow();
    const chunked = await rawResponses(['/chunked', '/ok']);
    expect(() => new client.ResponseParser().push(chunked)).toThrow('Transfer-Encoding "chunked" is not supported');
    expect(() => new client.ResponseParser().push(Buffer.from('HTTP/1.0 200 OK\r\n\r\nbody until close'))).toThrow('without a Content-Length');
    expect(() => new client.ResponseParser().push(Buffer.from('HTTP/2 200\r\nContent-Length: 0\r\n\r\n'))).toThrow('unparsable HTTP status line "HTTP/2 200"');
    expect(() => new client.ResponseParser().push(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n'))).toThrow('invalid Content-Length "-1"');
    expect(() => new client.ResponseParser().push(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n'))).toThrow('invalid Content-Length "2"');
    expect(() => new client.ResponseParser().push(Buffer.from('HTTP/1.1 100 Continue\r\n\r\n'))).toThrow('HTTP 100 responses are not supported');
    expect(() => new client.ResponseParser().push(Buffer.from('HTTP/1.1 200 OK\r\nno colon\r\n\r\n'))).toThrow('unparsable HTTP header line "no colon"');
  });
});

describe('createGetClient', () => {
  test('a body that arrives in several packets', async () => {
    const c = client.createGetClient(port, '/split');
    expect(await c.get()).toBe('0123456789');
    expect(await c.get()).toBe('0123456789'); // again on the kept-alive connection
    expect(c.connections()).toBe(1);
    c.close();
  });

  test('opens a connection per concurrent request, up to its limit, and reuses them', async () => {
    const c = client.createGetClient(port, '/slow');
    expect(await Promise.all(Array.from({ length: 5 }, () => c.get()))).toEqual(Array(5).fill('"/slow"'));
    expect(c.connections()).toBe(5);
    await Promise.all(Array.from({ length: 3 }, () => c.get()));
    expect(c.connections()).toBe(5);
    c.close();
    expect(c.connections()).toBe(0);

    const limited = client.createGetClient(port, '/slow', 2);
    const start = performance.now();
    expect(await Promise.all(Array.from({ length: 6 }, () => limited.get()))).toEqual(Array(6).fill('"/slow"'));
    expect(limited.connections()).toBe(2);
    expect(performance.now() - start).toBeGreaterThanOrEqual(145); // three rounds of 50 ms
    limited.close();
  });

  test('a non-2xx status rejects with the status and body; the connection stays usable', async () => {
    const c = client.createGetClient(port, '/missing');
    await expect(c.get()).rejects.toThrow('GET /missing: 404 {"error":"no such route"}');
    await expect(c.get()).rejects.toThrow('GET /missing: 404');
    expect(c.connections()).toBe(1);
    c.close();
  });

  test('a chunked response rejects', async () => {
    const c = client.createGetClient(port, '/chunked');
    await expect(c.get()).rejects.toThrow('GET /chunked: Transfer-Encoding "chunked" is not supported');
    expect(c.connections()).toBe(0);
  });

  test('requests waiting for a connection are sent when the busy ones fail, not left waiting', async () => {
    // Two connections, five requests: the three waiting ones go out on new connections as
    // the failing ones are dropped (a server that answered chunked once hung the client).
    for (const failing of ['/chunked', '/hang-up']) {
      const c = client.createGetClient(port, failing, 2);
      const results = await Promise.allSettled(Array.from({ length: 5 }, () => c.get()));
      expect(results.map((r) => r.status)).toEqual(Array(5).fill('rejected'));
      expect(c.connections()).toBe(0);
    }
  }, 5000);

  test('a connection closed before the response rejects', async () => {
    const c = client.createGetClient(port, '/hang-up');
    await expect(c.get()).rejects.toThrow(/GET \/hang-up: (the server closed the connection before responding|read ECONNRESET)/);
    expect(c.connections()).toBe(0);
  });

  test('after Connection: close, or the server closing an idle connection, the next request opens a new one', async () => {
    const c = client.createGetClient(port, '/last');
    expect(await c.get()).toBe('last');
    expect(c.connections()).toBe(0);
    expect(await c.get()).toBe('last');
    c.close();

    // As at the end of the server's keep-alive timeout: it closes the idle connection.
    const ok = client.createGetClient(port, '/ok');
    expect(await ok.get()).toBe('{"answer":"ünïcode"}');
    server.closeIdleConnections();
    await new Promise((r) => setTimeout(r, 100));
    expect(ok.connections()).toBe(0);
    expect(await ok.get()).toBe('{"answer":"ünïcode"}');
    ok.close();
  });
});
