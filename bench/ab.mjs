// Paired before/after figures: bench rows (bench/workloads.mjs) measured with this checkout
// and with another built one in one process. Both builds set the row up and warm up, then
// take turns group by group (a row's `inner` calls; the order flips each pair), so a burst
// of load from elsewhere hits both alike. Prints each build's median figure and the median
// of the per-pair time ratios (this / other: below 1 means this checkout is faster) with
// the min-max spread.
// Usage: node bench/ab.mjs OTHER_CHECKOUT [--only W5,W6] [--match REGEX] [--pairs N] [--threads N]
//   (both checkouts with dist/ and build/ built; --match filters rows by name)
import { createRequire } from 'module';
import * as path from 'path';
import { selectRows, timed } from './workloads.mjs';

const args = process.argv.slice(2);
const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const other = args[0];
if (!other || other.startsWith('--')) {
  console.error('usage: node bench/ab.mjs OTHER_CHECKOUT [--only W5,W6] [--match REGEX] [--pairs N] [--threads N]');
  process.exit(2);
}
const require = createRequire(import.meta.url);
const builds = { this: require('../dist/index.js'), other: require(path.resolve(other, 'dist', 'index.js')) };
const threads = option('--threads');
if (threads) for (const lib of Object.values(builds)) lib.setNumThreads(Number(threads));
const pairs = Number(option('--pairs') ?? 31);
const match = new RegExp(option('--match') ?? '');
const rows = selectRows(new Set(option('--only')?.split(',') ?? [])).filter((row) => match.test(row.name));

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
/** Seconds per call over one group of `inner` calls. */
function group({ fn, inner }) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < inner; i++) fn();
  return Number(process.hrtime.bigint() - t0) / 1e9 / inner;
}

console.log(`this: ${path.resolve('.')}, other: ${path.resolve(other)}; threads: ${builds.this.getNumThreads()}; ${pairs} pairs per row`);
for (const row of rows) {
  const runs = { this: row.setup(builds.this), other: row.setup(builds.other) };
  for (const run of Object.values(runs)) timed(run.fn, 1, run.inner);  // the warm-up
  const seconds = { this: [], other: [] };
  const ratios = [];
  for (let pair = 0; pair < pairs; ++pair) {
    for (const name of pair % 2 ? ['this', 'other'] : ['other', 'this']) seconds[name].push(group(runs[name]));
    ratios.push(seconds.this.at(-1) / seconds.other.at(-1));
  }
  const fmt = (v) => v.toPrecision(4);
  const figure = (name) => fmt(runs[name].figure(median(seconds[name])));
  console.log(`${row.name.padEnd(40)} this ${figure('this')}  other ${figure('other')}  time this/other ${fmt(median(ratios))} (${fmt(Math.min(...ratios))}-${fmt(Math.max(...ratios))})`);
}
