// Loads the compiled addon and checks that it was built from the same native/ops.table
// as lib/native/table.ts (both are generated from it by the build).
import * as fs from 'fs';
import * as path from 'path';
import { createRequire } from 'module';
import { DTYPE_ROWS, GROUP_OPS } from './table';
import type { NativeMemory } from '../backend';
import { findPrebuild } from './prebuild';

export interface NativeInitInfo {
  /** Per kernel group, its op names in opcode order (native/ops.table as compiled). */
  groups: Record<string, string[]>;
  /** The dtypes as [name, bytes], in dtype-code order. */
  dtypes: [string, number][];
  simd: string;
}

/** A view's memory (see NativeMemory in lib/backend.ts). */
type Buffer = NativeMemory;

/** The N-API surface (binding/addon.cpp). Views are ArrayBuffers described in the scratch buffer. */
export interface NativeAddon {
  init(meta: Int32Array): NativeInitInfo;
  unary(op: number, out: Buffer, x: Buffer, p0: number, p1: number): void;
  binary(op: number, out: Buffer, a: Buffer | number, b: Buffer | number): void;
  where(out: Buffer, cond: Buffer, a: Buffer | number, b: Buffer | number): void;
  copy(out: Buffer, x: Buffer): void;
  fill(out: Buffer, value: number): void;
  reduce(op: number, out: Buffer, x: Buffer): void;
  matmul(out: Buffer, a: Buffer, b: Buffer): void;
  optimStep(op: number, hyper: Float64Array, param: Buffer, grad: Buffer, ...state: Buffer[]): void;
  /** Draws from the generator `state` (see lib/random.ts); out is null for Seed. */
  random(op: number, state: ArrayBuffer, out: Buffer | null, p0: number, p1: number): void;
  /** A kernel of a generic group (native/ops.table): views, null (absent views), numbers. */
  run(group: number, op: number, ...args: (Buffer | null | number)[]): void;
  setNumThreads(n: number): void;
  getNumThreads(): number;
  /** Asks for transparent huge pages behind a new buffer of 4 MB or more (native/include/tg/memory.h). */
  adviseHugePages(buffer: ArrayBuffer): void;
  /** Tunes (true) or restores (false) glibc's malloc thresholds, process-wide (native/include/tg/memory.h); whether it applied. */
  setAllocatorTuning(on: boolean): boolean;
  /** One core's float32 FMA loop in ~0.3 ms rounds over `seconds` (AVX2/AVX-512 CPUs only):
   * each round's GFLOP/s, in run order. */
  fmaPeak(seconds: number): Float64Array;
  /** Whether I/O waits on this thread's event loop (a request, a worker's message; not timers). */
  eventLoopHasIO(): boolean;
  setThreadIdleScheduling(): boolean;
  /** The priority this environment's pool starts its workers with (null: the starting thread's). */
  setHelperPriority(priority: number | 'idle' | null): void;
  /** From now on kernel calls are recorded (their views read), not run (tg.async). */
  asyncBegin(): void;
  /** Stops recording: run, a Promise of the recorded kernels having run in order on a
   * libuv thread; otherwise they are dropped. */
  asyncEnd(run: true): Promise<void>;
  asyncEnd(run: false): undefined;
}

/** The package root: the nearest directory above this file with tensorgrad's package.json. */
export function packageRoot(): string {
  let dir = __dirname;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'tensorgrad') return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('tensorgrad: cannot find the package root (package.json)');
    dir = parent;
  }
}

/** Where the addon `addon` ('tensorgrad', or 'tensorgrad_dist') is: a local build, else the package's prebuild. */
export function packagedAddon(root: string, addon = 'tensorgrad'): string {
  const localBuild = path.join(root, 'build', 'Release', `${addon}.node`);
  return fs.existsSync(localBuild) ? localBuild : (findPrebuild(root, addon) ?? localBuild);
}

function loadAddon(): NativeAddon {
  // TENSORGRAD_ADDON selects another build of the addon (e.g. the sanitizer build). A local
  // build (compiled on this machine, and what a checkout rebuilds) wins over the package's
  // prebuilt binary for this platform, which install.cjs leaves in place of compiling.
  const file = process.env.TENSORGRAD_ADDON ?? packagedAddon(packageRoot());
  if (!fs.existsSync(file)) {
    throw new Error(`tensorgrad: the native addon is not built (${file} is missing). Run \`npm install\` (or \`npm run build:native\`).`);
  }
  return createRequire(__filename)(file) as NativeAddon;
}

export const native = loadAddon();
/** Scratch buffer for view metadata, shared with the addon (see binding/views.h). */
export const meta = new Int32Array(new ArrayBuffer(4 * 512));
export const nativeInfo = native.init(meta);

function checkTables(info: NativeInitInfo): void {
  const rebuild = '(rebuild with `npm install`)';
  const same = (a: readonly unknown[], b: readonly unknown[]) => a.length === b.length && a.every((x, i) => x === b[i]);
  for (const [group, ours] of Object.entries(GROUP_OPS)) {
    if (!same(ours, info.groups[group] ?? [])) throw new Error(`tensorgrad: the ${group} opcode table differs from the addon's ${rebuild}`);
  }
  if (!same(Object.keys(GROUP_OPS), Object.keys(info.groups))) {
    throw new Error(`tensorgrad: the kernel groups differ from the addon's (${Object.keys(info.groups).join(', ')}) ${rebuild}`);
  }
  if (!same(DTYPE_ROWS.map((d) => `${d.name}:${d.bytes}`), info.dtypes.map(([n, b]) => `${n}:${b}`))) {
    throw new Error(`tensorgrad: the dtype table differs from the addon's ${rebuild}`);
  }
}
checkTables(nativeInfo);
