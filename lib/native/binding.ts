// Loads the compiled addon and checks that its opcode tables match ours.
import * as fs from 'fs';
import * as path from 'path';
import { createRequire } from 'module';
import type { NativeMemory } from '../storage';
import { findPrebuild } from './prebuild';

export interface NativeInitInfo {
  unaryOps: string[];
  binaryOps: string[];
  reduceOps: string[];
  indexOps: string[];
  optimOps: string[];
  randomOps: string[];
  softmaxOps: string[];
  simd: string;
}

/** A view's memory (see NativeMemory in lib/storage.ts). */
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
  indexOp(op: number, out: Buffer, x: Buffer, index: Buffer, dim: number): void;
  optimStep(op: number, hyper: Float64Array, param: Buffer, grad: Buffer, ...state: Buffer[]): void;
  /** Draws from the generator `state` (see lib/random.ts); out is null for Seed. */
  random(op: number, state: ArrayBuffer, out: Buffer | null, p0: number, p1: number): void;
  softmax(op: number, out: Buffer, a: Buffer, b: Buffer | null, dim: number): void;
  setNumThreads(n: number): void;
  getNumThreads(): number;
  /** Asks for transparent huge pages behind a new buffer of 4 MB or more (native/include/tg/memory.h). */
  adviseHugePages(buffer: ArrayBuffer): void;
  /** Tunes (true) or restores (false) glibc's malloc thresholds, process-wide (native/include/tg/memory.h); whether it applied. */
  setAllocatorTuning(on: boolean): boolean;
  /** One core's float32 FMA throughput in GFLOP/s, measured for `seconds` (AVX2 CPUs only). */
  fmaPeak(seconds: number): number;
  /** From now on kernel calls are recorded (their views read), not run (tg.async). */
  asyncBegin(): void;
  /** Stops recording: run, a Promise of the recorded kernels having run in order on a
   * libuv thread; otherwise they are dropped. */
  asyncEnd(run: true): Promise<void>;
  asyncEnd(run: false): undefined;
}

// The same names in the same order as native/include/tg/ops.def.
export const UNARY_OPS = [
  'Neg', 'Exp', 'Log', 'Sqrt', 'Abs', 'Sin', 'Cos', 'Tanh', 'Sigmoid', 'Relu', 'Square', 'Sign', 'Reciprocal',
  'Log1p', 'Expm1', 'Erf', 'Clamp', 'Gelu', 'Silu', 'Softplus', 'Elu', 'LeakyRelu', 'Cube',
] as const;
export const BINARY_OPS = [
  'Add', 'Sub', 'Mul', 'Div', 'Pow', 'Maximum', 'Minimum', 'Eq', 'Ne', 'Gt', 'Ge', 'Lt', 'Le', 'LogicalAnd', 'LogicalOr',
] as const;
export const REDUCE_OPS = ['Sum', 'Prod', 'Max', 'Min', 'ArgMax', 'ArgMin', 'CountNonzero'] as const;
export const INDEX_OPS = ['IndexSelect', 'IndexAdd', 'Gather', 'ScatterAdd'] as const;
export const OPTIM_OPS = ['Sgd', 'Adam', 'Rmsprop', 'Adagrad'] as const;
export const RANDOM_OPS = ['Seed', 'Bits', 'Uniform', 'Normal', 'Bernoulli', 'Randint', 'Randperm'] as const;
export const SOFTMAX_OPS = ['Softmax', 'LogSoftmax', 'SoftmaxBackward', 'LogSoftmaxBackward'] as const;

function codes<T extends readonly string[]>(names: T): { [K in T[number]]: number } {
  const out = {} as { [K in T[number]]: number };
  names.forEach((n, i) => ((out as Record<string, number>)[n] = i));
  return out;
}
export const UnaryOp = codes(UNARY_OPS);
export const BinaryOp = codes(BINARY_OPS);
export const ReduceOp = codes(REDUCE_OPS);
export const IndexOp = codes(INDEX_OPS);
export const OptimOp = codes(OPTIM_OPS);
export const RandomOp = codes(RANDOM_OPS);
export const SoftmaxOp = codes(SOFTMAX_OPS);

/** The package root: the nearest directory above this file with tensorgrad's package.json. */
function packageRoot(): string {
  let dir = __dirname;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'tensorgrad') return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('tensorgrad: cannot find the package root (package.json)');
    dir = parent;
  }
}

function packagedAddon(root: string): string {
  const localBuild = path.join(root, 'build', 'Release', 'tensorgrad.node');
  return fs.existsSync(localBuild) ? localBuild : (findPrebuild(root) ?? localBuild);
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

function checkTable(kind: string, ours: readonly string[], theirs: readonly string[]): void {
  if (ours.length !== theirs.length || ours.some((n, i) => n !== theirs[i])) {
    throw new Error(`tensorgrad: ${kind} opcode table differs from the addon's (rebuild with \`npm install\`)`);
  }
}
checkTable('unary', UNARY_OPS, nativeInfo.unaryOps);
checkTable('binary', BINARY_OPS, nativeInfo.binaryOps);
checkTable('reduce', REDUCE_OPS, nativeInfo.reduceOps);
checkTable('index', INDEX_OPS, nativeInfo.indexOps);
checkTable('optim', OPTIM_OPS, nativeInfo.optimOps);
checkTable('random', RANDOM_OPS, nativeInfo.randomOps);
checkTable('softmax', SOFTMAX_OPS, nativeInfo.softmaxOps);
