// tgrun: starts a training script in several processes with the environment torchrun
// gives them (`npx tgrun --nproc-per-node 2 train.js ...args`), forwards their output
// line by line prefixed with the rank, and stops all when one fails. Runs on its own:
// nothing here loads the addon.
import { spawn, type ChildProcess } from 'child_process';
import { constants } from 'os';
import { createInterface } from 'readline';
import type { Writable } from 'stream';

/** How long stopped processes get to exit on SIGTERM before SIGKILL. */
const STOP_GRACE_MS = 5000;

const USAGE = `Usage: tgrun [options] script.js [script args...]
       tgrun [options] --no-node command [args...]

Starts nproc-per-node processes of the script on this machine (with node, or the command
itself with --no-node), with torchrun's environment: RANK, LOCAL_RANK, WORLD_SIZE,
LOCAL_WORLD_SIZE, GROUP_RANK, MASTER_ADDR, MASTER_PORT. Their output is prefixed
with "[RANK] ". When one exits with an error the others get SIGTERM (SIGKILL after
${STOP_GRACE_MS / 1000} s) and tgrun exits with the failed process's code.

Options (also written with underscores, as torchrun accepts them; --name=value works):
  --nproc-per-node N   processes on this machine (default 1)
  --nnodes N           machines taking part (default 1)
  --node-rank R        this machine's index, 0..nnodes-1 (default 0)
  --master-addr HOST   where rank 0's rendezvous listens (default 127.0.0.1)
  --master-port PORT   its port (default 29500)
  --no-node            run the command as it is, not with node
  -h, --help           this text`;

export interface TgrunOptions {
  nprocPerNode: number;
  nnodes: number;
  nodeRank: number;
  masterAddr: string;
  masterPort: number;
  noNode: boolean;
  /** The script (or with noNode the command) and its arguments. */
  command: string[];
}

class UsageError extends Error {}

function parseIntOption(name: string, value: string, min: number, max = Infinity): number {
  const n = /^-?\d+$/.test(value) ? Number(value) : NaN;
  if (!(n >= min && n <= max)) {
    throw new UsageError(`--${name} must be an integer ${max === Infinity ? `>= ${min}` : `in ${min}..${max}`}, got ${JSON.stringify(value)}`);
  }
  return n;
}

/** Reads tgrun's options up to the first argument that is not one: that is the script,
 * and everything after it belongs to the script (so `train.js --lr 0.1` reaches train.js). */
export function parseTgrunArgs(argv: readonly string[]): TgrunOptions | 'help' {
  const values: Record<string, string> = {};
  let noNode = false;
  let i = 0;
  for (; i < argv.length; ++i) {
    const arg = argv[i];
    if (arg === '--') { ++i; break; }
    if (arg === '-h' || arg === '--help') return 'help';
    if (!arg.startsWith('-')) break;
    const eq = arg.indexOf('=');
    const name = (eq < 0 ? arg : arg.slice(0, eq)).replace(/^--?/, '').replace(/_/g, '-');
    if (name === 'no-node') { noNode = true; continue; }
    if (!['nproc-per-node', 'nnodes', 'node-rank', 'master-addr', 'master-port'].includes(name)) {
      throw new UsageError(`unknown option ${arg}`);
    }
    const value = eq < 0 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    values[name] = value;
  }
  const command = argv.slice(i);
  if (command.length === 0) throw new UsageError(noNode ? 'no command given' : 'no script given');
  const nnodes = parseIntOption('nnodes', values.nnodes ?? '1', 1);
  const masterAddr = values['master-addr'] ?? '127.0.0.1';
  if (masterAddr === '') throw new UsageError('--master-addr must not be empty');
  return {
    nprocPerNode: parseIntOption('nproc-per-node', values['nproc-per-node'] ?? '1', 1),
    nnodes,
    nodeRank: parseIntOption('node-rank', values['node-rank'] ?? '0', 0, nnodes - 1),
    masterAddr,
    masterPort: parseIntOption('master-port', values['master-port'] ?? '29500', 0, 65535),
    noNode,
    command,
  };
}

/** The environment of the process with local rank `localRank`, as torchrun sets it. */
export function rankEnv(options: TgrunOptions, localRank: number): Record<string, string> {
  const rank = options.nodeRank * options.nprocPerNode + localRank;
  return {
    RANK: String(rank),
    LOCAL_RANK: String(localRank),
    WORLD_SIZE: String(options.nnodes * options.nprocPerNode),
    LOCAL_WORLD_SIZE: String(options.nprocPerNode),
    GROUP_RANK: String(options.nodeRank),
    MASTER_ADDR: options.masterAddr,
    MASTER_PORT: String(options.masterPort),
  };
}

function forwardLines(from: NodeJS.ReadableStream, to: Writable, prefix: string): void {
  createInterface({ input: from, crlfDelay: Infinity }).on('line', (line) => to.write(`${prefix}${line}\n`));
}

/** The exit code a shell would report for a process that ended so (a negative code is
 * node's for a command that could not start: 127, as a shell's "command not found"). */
function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code < 0 ? 127 : code;
  return 128 + ((signal && constants.signals[signal]) || 1);
}

/** Starts the processes and resolves with tgrun's exit code once all have ended: 0 when
 * all succeeded, else the code of the first that failed. */
export function launch(options: TgrunOptions): Promise<number> {
  const [file, ...args] = options.noNode ? options.command : [process.execPath, ...options.command];
  return new Promise((resolve) => {
    let running = options.nprocPerNode;
    let failure: number | null = null;
    let killTimer: NodeJS.Timeout | null = null;
    const children: ChildProcess[] = [];

    const stopOthers = (signal: NodeJS.Signals) => {
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      killTimer ??= setTimeout(() => {
        for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }, STOP_GRACE_MS).unref();
    };

    const onSignal = (signal: NodeJS.Signals) => {
      failure ??= exitCodeOf(null, signal);
      stopOthers(signal);
    };
    process.on('SIGINT', onSignal).on('SIGTERM', onSignal);

    for (let localRank = 0; localRank < options.nprocPerNode; ++localRank) {
      const env = rankEnv(options, localRank);
      const child = spawn(file, args, { env: { ...process.env, ...env }, stdio: ['inherit', 'pipe', 'pipe'] });
      children.push(child);
      const prefix = `[${env.RANK}] `;
      forwardLines(child.stdout!, process.stdout, prefix);
      forwardLines(child.stderr!, process.stderr, prefix);
      child.on('error', (err) => {
        process.stderr.write(`tgrun: rank ${env.RANK} could not start ${file}: ${err.message}\n`);
      });
      // 'close' comes after the process ended and its output was read to the end.
      child.on('close', (code, signal) => {
        const exitCode = exitCodeOf(code, signal);
        if (exitCode !== 0 && failure === null) {
          failure = exitCode;
          process.stderr.write(`tgrun: rank ${env.RANK} (pid ${child.pid ?? 'none'}) failed with ${signal ?? `exit code ${code}`}; stopping the others\n`);
          stopOthers('SIGTERM');
        }
        if (--running === 0) {
          if (killTimer) clearTimeout(killTimer);
          process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
          resolve(failure ?? 0);
        }
      });
    }
  });
}

/** The command line entry point (bin/tgrun.js): sets process.exitCode. */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  let options: TgrunOptions | 'help';
  try {
    options = parseTgrunArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`tgrun: ${err.message}\n\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  process.exitCode = await launch(options);
}
