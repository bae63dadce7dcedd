// Paired before/after figures: bench rows (bench/workloads.mjs) measured with this checkout
// and with another built one, each in a Node process of its own that loads only that build
// (run from a temporary copy of these files and stats.mjs, whose node_modules/tensorgrad links to the
// checkout). In one process, the builds' calls shared this file's call sites, whose type
// feedback then favoured one build, and a second loaded build slowed the first: W2's
// a.add(b) differed by 10-30% between two copies of one build.
// Both set the row up and warm up, then take turns group by group (a row's `inner` calls;
// the order flips each pair), so a burst of load from elsewhere hits both alike. Prints
// each build's median figure and the median of the per-pair time ratios (this / other:
// below 1 means this checkout is faster) with the min-max spread.
// Rows of a few microseconds per call (W1 matmul 64, W2, W3) differ between two processes of
// one build by up to 20-50% here (how V8 optimised each): count their instructions with
// bench/icount.sh instead.
// Usage: node bench/ab.mjs OTHER_CHECKOUT [--only W5,W6] [--match REGEX] [--pairs N] [--threads N]
//   (both checkouts with dist/ and build/ built; --match filters rows by name)
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as readline from 'readline';
import { fileURLToPath } from 'url';
import * as tg from 'tensorgrad';
import { median } from './stats.mjs';
import { selectRows, timed, timeGroup } from './workloads.mjs';

const args = process.argv.slice(2);
const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const here = path.dirname(fileURLToPath(import.meta.url));
const rowsOf = (only) => selectRows(new Set(only?.split(',') ?? [])).filter((row) => new RegExp(option('--match') ?? '').test(row.name));

if (args[0] === '--serve') await serve();
else await compare(args[0]);

/** A worker (its tensorgrad is the checkout it was started for): per line from stdin,
 * `setup NAME` (set up and warm up that row) or `group` (one timed group of the row's
 * calls): one JSON line back. */
async function serve() {
  if (option('--threads')) tg.setNumThreads(Number(option('--threads')));
  const rows = new Map(rowsOf(option('--only')).map((row) => [row.name, row]));
  let run = null;
  for await (const line of readline.createInterface({ input: process.stdin })) {
    if (line.startsWith('setup ')) {
      run = rows.get(line.slice(6)).setup();
      timed(run.fn, 1, run.inner); // the warm-up
      console.log(JSON.stringify({ threads: tg.getNumThreads() }));
    } else {
      const seconds = timeGroup(run.fn, run.inner);
      console.log(JSON.stringify({ seconds, figure: run.figure(seconds) }));
    }
  }
}

/** A worker process for the checkout `dir` (see the file comment). */
function startWorker(dir) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-ab-'));
  for (const file of ['ab.mjs', 'workloads.mjs', 'stats.mjs']) fs.copyFileSync(path.join(here, file), path.join(tmp, file));
  fs.mkdirSync(path.join(tmp, 'node_modules'));
  fs.symlinkSync(dir, path.join(tmp, 'node_modules', 'tensorgrad'), 'dir');
  const forwarded = ['--only', '--match', '--threads'].flatMap((o) => (option(o) ? [o, option(o)] : []));
  const child = spawn(process.execPath, [path.join(tmp, 'ab.mjs'), '--serve', ...forwarded], { stdio: ['pipe', 'pipe', 'inherit'] });
  child.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));
  const lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return {
    ask: async (request) => {
      child.stdin.write(`${request}\n`);
      const { value, done } = await lines.next();
      if (done) throw new Error(`bench/ab: the worker for ${dir} exited`);
      return JSON.parse(value);
    },
    close: () => child.stdin.end(),
  };
}

async function compare(other) {
  if (!other || other.startsWith('--')) {
    console.error('usage: node bench/ab.mjs OTHER_CHECKOUT [--only W5,W6] [--match REGEX] [--pairs N] [--threads N]');
    process.exit(2);
  }
  const workers = { this: startWorker(path.resolve(here, '..')), other: startWorker(path.resolve(other)) };
  const pairs = Number(option('--pairs') ?? 31);
  const fmt = (v) => v.toPrecision(4);
  let threads;
  for (const row of rowsOf(option('--only'))) {
    for (const w of Object.values(workers)) threads = (await w.ask(`setup ${row.name}`)).threads;
    const figures = { this: [], other: [] };
    const ratios = [];
    for (let pair = 0; pair < pairs; ++pair) {
      const seconds = {};
      for (const name of pair % 2 ? ['this', 'other'] : ['other', 'this']) {
        const { seconds: s, figure } = await workers[name].ask('group');
        seconds[name] = s;
        figures[name].push(figure);
      }
      ratios.push(seconds.this / seconds.other);
    }
    // Each figure is monotonic in the time: the median figure is the median time's.
    console.log(`${row.name.padEnd(40)} this ${fmt(median(figures.this))}  other ${fmt(median(figures.other))}  time this/other ${fmt(median(ratios))} (${fmt(Math.min(...ratios))}-${fmt(Math.max(...ratios))})  [${threads} threads, ${pairs} pairs]`);
  }
  for (const w of Object.values(workers)) w.close();
}
