// tgrun, run as the package runs it (bin/tgrun.js over the compiled launcher), on
// small child scripts: torchrun's environment, rank-prefixed output, failure handling.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { afterAll, describe, expect, test } from 'vitest';
import { transpileFile } from '../helpers/child-build';

const root = path.join(__dirname, '..', '..');

/** A directory laid out as the package: bin/tgrun.js and dist/launcher/tgrun.js
 * (transpiled here: the launcher imports nothing of tensorgrad). */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tgrun-'));
fs.mkdirSync(path.join(dir, 'bin'));
fs.copyFileSync(path.join(root, 'bin', 'tgrun.js'), path.join(dir, 'bin', 'tgrun.js'));
transpileFile(path.join(root, 'lib', 'launcher', 'tgrun.ts'), path.join(dir, 'dist', 'launcher', 'tgrun.js'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function script(name: string, source: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, source);
  return file;
}

function tgrun(args: string[], timeout = 20000) {
  const started = Date.now();
  const r = spawnSync(process.execPath, [path.join(dir, 'bin', 'tgrun.js'), ...args], { encoding: 'utf8', timeout });
  return { ...r, ms: Date.now() - started };
}

const ENV_NAMES = ['RANK', 'LOCAL_RANK', 'WORLD_SIZE', 'LOCAL_WORLD_SIZE', 'GROUP_RANK', 'MASTER_ADDR', 'MASTER_PORT'];

const printEnv = script('print-env.js', `
const names = ${JSON.stringify(ENV_NAMES)};
console.log(JSON.stringify({ env: Object.fromEntries(names.map((n) => [n, process.env[n]])), args: process.argv.slice(2) }));
console.error('to stderr');
process.stdout.write('no newline at the end');
`);

/** The JSON lines each rank printed, keyed by the rank in their prefix. */
function printedByRank(stdout: string): Map<string, { env: Record<string, string>; args: string[] }> {
  const out = new Map();
  for (const line of stdout.split('\n')) {
    const m = /^\[(\d+)\] (\{.*)$/.exec(line);
    if (m) out.set(m[1], JSON.parse(m[2]));
  }
  return out;
}

describe('tgrun', () => {
  test('2 processes get torchrun\'s environment and the script\'s arguments; output is prefixed by rank', () => {
    const r = tgrun(['--nproc-per-node', '2', printEnv, '--lr', '0.1']);
    expect(r.stderr.split('\n').filter(Boolean).sort()).toEqual(['[0] to stderr', '[1] to stderr']);
    expect(r.status).toBe(0);
    const byRank = printedByRank(r.stdout);
    for (const rank of ['0', '1']) {
      expect(byRank.get(rank)).toEqual({
        env: { RANK: rank, LOCAL_RANK: rank, WORLD_SIZE: '2', LOCAL_WORLD_SIZE: '2', GROUP_RANK: '0', MASTER_ADDR: '127.0.0.1', MASTER_PORT: '29500' },
        args: ['--lr', '0.1'],
      });
      expect(r.stdout).toContain(`[${rank}] no newline at the end\n`);
    }
  });

  test('the second of 2 machines: global ranks, and the options torchrun also accepts', () => {
    const r = tgrun(['--nnodes=2', '--node_rank', '1', '--nproc_per_node=2', '--master-addr', '10.0.0.5', '--master-port', '1234', printEnv]);
    expect(r.status).toBe(0);
    const byRank = printedByRank(r.stdout);
    expect([...byRank.keys()].sort()).toEqual(['2', '3']);
    expect(byRank.get('3')!.env).toEqual({
      RANK: '3', LOCAL_RANK: '1', WORLD_SIZE: '4', LOCAL_WORLD_SIZE: '2', GROUP_RANK: '1', MASTER_ADDR: '10.0.0.5', MASTER_PORT: '1234',
    });
  });

  test('a failing rank stops the others, and its exit code is tgrun\'s', () => {
    const failing = script('fail-rank-1.js', `
// Rank 1 fails once the others have printed (each leaves a marker file): on a busy
// machine a fixed delay can end before they have even started.
const fs = require('fs'), path = require('path');
const marker = (rank) => path.join(__dirname, 'fail-rank-ready-' + rank);
if (process.env.RANK === '1') {
  console.error('rank 1 gives up');
  setInterval(() => { if (fs.existsSync(marker(0)) && fs.existsSync(marker(2))) process.exit(3); }, 20);
} else { console.log('waiting'); fs.writeFileSync(marker(process.env.RANK), ''); setInterval(() => {}, 1000); }
`);
    const r = tgrun(['--nproc-per-node', '3', failing]);
    expect(r.status).toBe(3);
    expect(r.ms).toBeLessThan(10000); // the others would wait forever
    expect(r.stderr).toContain('[1] rank 1 gives up');
    expect(r.stderr).toMatch(/tgrun: rank 1 \(pid \d+\) failed with exit code 3; stopping the others/);
    expect(r.stdout.split('\n').filter(Boolean).sort()).toEqual(['[0] waiting', '[2] waiting']);
  });

  test('a rank that ignores SIGTERM is killed after the grace period', () => {
    // Rank 0 fails only once rank 1 has its handler (a marker file): with a fixed delay, a
    // slow start (the sanitizer build) let SIGTERM reach rank 1 before its handler.
    const ready = path.join(dir, 'stubborn-ready');
    const stubborn = script('stubborn.js', `
const fs = require('fs');
process.on('SIGTERM', () => console.log('ignoring SIGTERM'));
if (process.env.RANK === '0') setInterval(() => fs.existsSync(${JSON.stringify(ready)}) && process.exit(1), 20);
else { console.log('ready'); fs.writeFileSync(${JSON.stringify(ready)}, ''); setInterval(() => {}, 1000); }
`);
    const r = tgrun(['--nproc-per-node', '2', stubborn]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('[1] ignoring SIGTERM');
    expect(r.ms).toBeLessThan(15000);
  });

  test('bad arguments name the option and the value, with exit code 2', () => {
    for (const [args, message] of [
      [['--nproc-per-node', '0', printEnv], '--nproc-per-node must be an integer >= 1, got "0"'],
      [['--nproc-per-node', 'two', printEnv], '--nproc-per-node must be an integer >= 1, got "two"'],
      [['--nnodes', '2', '--node-rank', '2', printEnv], '--node-rank must be an integer in 0..1, got "2"'],
      [['--master-port', '70000', printEnv], '--master-port must be an integer in 0..65535, got "70000"'],
      [['--nproc', '2', printEnv], 'unknown option --nproc'],
      [['--nproc-per-node'], '--nproc-per-node needs a value'],
      [['--nproc-per-node', '2'], 'no script given'],
    ] as const) {
      const r = tgrun([...args]);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(`tgrun: ${message}`);
      expect(r.stderr).toContain('Usage: tgrun');
    }
  });

  test('--no-node runs the command itself; one that does not exist fails with 127', () => {
    const ok = tgrun(['--nproc-per-node', '2', '--no-node', process.execPath, printEnv]);
    expect(ok.status).toBe(0);
    expect([...printedByRank(ok.stdout).keys()].sort()).toEqual(['0', '1']);
    const missing = tgrun(['--no-node', path.join(dir, 'no-such-command')]);
    expect(missing.status).toBe(127);
    expect(missing.stderr).toContain('tgrun: rank 0 could not start');
  });
});
