// What the paired bench scripts (w6sum.mjs, matmul-small.mjs) share: a reference library in a
// kept-alive Python process, and tensorgrad and it timed in alternating groups, so that
// both see the same machine state and the per-pair ratio cancels the machine's drift.
import { spawn } from 'child_process';
import readline from 'readline';
import { quantile } from './stats.mjs';

/** Starts `/usr/bin/python3 script ...args` with `env`, speaking one line each way: a call
 * count in, the seconds those calls took out. Returns `run(count)` (a Promise of seconds)
 * and `close()`. */
export function referenceProcess(script, args, env) {
  const child = spawn('/usr/bin/python3', [script, ...args], { env, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return {
    run: async (count) => {
      child.stdin.write(`${count}\n`);
      return Number((await lines.next()).value);
    },
    close: () => child.stdin.end(),
  };
}

/** Seconds that `count` calls of fn take. */
export function timeCalls(fn, count) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < count; i++) fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/** `pairs` pairs of `ours()` (seconds) and `await theirs()` (seconds), the order flipped
 * every pair, with `await before()` ahead of each side; returns both sides' seconds and
 * the per-pair ratios ours / theirs. */
export async function alternate(pairs, ours, theirs, before = async () => {}) {
  const result = { ours: [], theirs: [], ratios: [] };
  for (let p = 0; p < pairs; p++) {
    const sides = [async () => result.ours.push(ours()), async () => result.theirs.push(await theirs())];
    for (const side of p % 2 === 0 ? sides : sides.reverse()) {
      await before();
      await side();
    }
    result.ratios.push(result.ours[p] / result.theirs[p]);
  }
  return result;
}

/** "median (quartiles q1-q3)" of ratios, 3 decimals. */
export const ratioSummary = (ratios) =>
  `${quantile(ratios, 0.5).toFixed(3)} (quartiles ${quantile(ratios, 0.25).toFixed(3)}-${quantile(ratios, 0.75).toFixed(3)})`;
