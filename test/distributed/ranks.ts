// Runs a child script (under test/, importing lib/ relatively) as a group of ranks on
// 127.0.0.1, as tgrun would: RANK, WORLD_SIZE, MASTER_ADDR and a free MASTER_PORT chosen
// now. Each run is bounded: processes still alive after `limitMs` are killed.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { buildChild } from '../helpers/child-build';

const root = path.join(__dirname, '..', '..');

/** Whether tensorgrad_dist.node was built (CMake found Gloo). */
export const glooBuilt = fs.existsSync(
  path.join(path.dirname(process.env.TENSORGRAD_ADDON ?? path.join(root, 'build', 'Release', 'tensorgrad.node')), 'tensorgrad_dist.node'),
);

/** A TCP port free on 127.0.0.1 at this moment. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface RankResult {
  rank: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

const built = new Map<string, ReturnType<typeof buildChild>>();

/** Starts `ranks` (default: all of 0..worldSize-1) of a group of worldSize running `script`. */
export async function runRanks(
  script: string,
  worldSize: number,
  options: { ranks?: number[]; args?: string[]; env?: NodeJS.ProcessEnv; limitMs?: number } = {},
): Promise<RankResult[]> {
  let child = built.get(script);
  if (!child) built.set(script, (child = buildChild(script)));
  const port = await freePort();
  const ranks = options.ranks ?? [...Array(worldSize).keys()];
  const started = Date.now();
  return Promise.all(
    ranks.map(
      (rank) =>
        new Promise<RankResult>((resolve) => {
          const env = {
            ...child!.env,
            ...options.env,
            RANK: String(rank),
            WORLD_SIZE: String(worldSize),
            MASTER_ADDR: '127.0.0.1',
            MASTER_PORT: String(port),
          };
          const p = spawn(process.execPath, [...child!.args, ...(options.args ?? [])], { env });
          let stdout = '';
          let stderr = '';
          p.stdout.on('data', (d) => (stdout += d));
          p.stderr.on('data', (d) => (stderr += d));
          const timer = setTimeout(() => p.kill('SIGKILL'), options.limitMs ?? 60000);
          p.on('close', (code, signal) => {
            clearTimeout(timer);
            resolve({ rank, code, signal, stdout, stderr, ms: Date.now() - started });
          });
        }),
    ),
  );
}

/** The JSON a child printed on its last line of output. */
export function lastJson<T>(r: RankResult): T {
  const lines = r.stdout.trim().split('\n');
  try {
    return JSON.parse(lines[lines.length - 1]) as T;
  } catch {
    throw new Error(`rank ${r.rank} (exit ${r.code ?? r.signal}) printed no JSON:\n${r.stdout}\n${r.stderr}`);
  }
}
