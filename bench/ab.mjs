// Paired before/after figures: bench rows (bench/workloads.mjs) measured with this checkout
// and with another built one in one process, taking turns row by row (the order flips
// each round), so machine load hits both alike. Prints each build's median figure and
// the median of the per-round ratios (this / other: time ratio, or other's rate / this
// rate; below 1 means this checkout is faster) with the min-max spread over the rounds.
// Usage: node bench/ab.mjs OTHER_CHECKOUT [--only W5,W6] [--match REGEX] [--rounds N] [--threads N]
//   (both checkouts with dist/ and build/ built; --match filters rows by name)
import { createRequire } from 'module';
import * as path from 'path';
import { measure, selectRows } from './workloads.mjs';

const args = process.argv.slice(2);
const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const other = args[0];
if (!other || other.startsWith('--')) {
  console.error('usage: node bench/ab.mjs OTHER_CHECKOUT [--only W5,W6] [--match REGEX] [--rounds N] [--threads N]');
  process.exit(2);
}
const require = createRequire(import.meta.url);
const builds = { this: require('../dist/index.js'), other: require(path.resolve(other, 'dist', 'index.js')) };
const threads = option('--threads');
if (threads) for (const lib of Object.values(builds)) lib.setNumThreads(Number(threads));
const rounds = Number(option('--rounds') ?? 7);
const match = new RegExp(option('--match') ?? '');
const rows = selectRows(new Set(option('--only')?.split(',') ?? [])).filter((row) => match.test(row.name));

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const figures = new Map(rows.map((row) => [row.name, { this: [], other: [], ratio: [] }]));
for (let round = 0; round < rounds; ++round) {
  for (const row of rows) {
    const f = figures.get(row.name);
    const order = round % 2 ? ['this', 'other'] : ['other', 'this'];
    for (const name of order) f[name].push(measure(row.setup, builds[name]));
    const [a, b] = [f.this.at(-1), f.other.at(-1)];
    f.ratio.push(/\((GFLOP|GB)\/s\)/.test(row.name) ? b / a : a / b);
  }
}
console.log(`this: ${path.resolve('.')}, other: ${path.resolve(other)}; threads: ${builds.this.getNumThreads()}; ${rounds} rounds`);
for (const [name, f] of figures) {
  const fmt = (v) => v.toPrecision(4);
  console.log(`${name.padEnd(40)} this ${fmt(median(f.this))}  other ${fmt(median(f.other))}  this/other ${fmt(median(f.ratio))} (${fmt(Math.min(...f.ratio))}-${fmt(Math.max(...f.ratio))})`);
}
