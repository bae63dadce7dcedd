// Loads tensorgrad_dist.node (binding/distributed/), the Gloo addon, on first use: it is
// built only where CMake found Gloo, and only tg.distributed needs it.
import * as fs from 'fs';
import * as path from 'path';
import { createRequire } from 'module';
import { packageRoot, packagedAddon } from '../native/binding';
import type { NativeMemory } from '../backend';

/** One asynchronous operation: the Promise of its end, and a function that blocks until then. */
export type NativeWork = [Promise<void>, () => void];

/** A process group (binding/distributed/addon.cpp). Offsets and lengths are in bytes,
 * counts in elements; dtype and op codes are DIST_DTYPES' and REDUCE_OPS' indices. */
export interface NativeProcessGroup {
  allReduce(memory: NativeMemory, byteOffset: number, count: number, dtype: number, op: number, async: boolean): NativeWork | undefined;
  broadcast(memory: NativeMemory, byteOffset: number, byteLength: number, root: number, async: boolean): NativeWork | undefined;
  allGather(out: NativeMemory, outOffset: number, input: NativeMemory, inOffset: number, byteLength: number, async: boolean): NativeWork | undefined;
  reduceScatter(memory: NativeMemory, byteOffset: number, count: number, dtype: number, op: number, async: boolean): NativeWork | undefined;
  send(memory: NativeMemory, byteOffset: number, byteLength: number, peer: number, tag: number, async: boolean): NativeWork | undefined;
  recv(memory: NativeMemory, byteOffset: number, byteLength: number, peer: number, tag: number, async: boolean): NativeWork | undefined;
  barrier(async: boolean): NativeWork | undefined;
  leave(reason: string): void;
  destroy(): void;
}

export interface NativeDistAddon {
  /** Meets the other ranks through the store at host:port (rank 0 hosts it); blocks. */
  ProcessGroup: new (rank: number, worldSize: number, host: string, port: number, timeoutMs: number) => NativeProcessGroup;
}

/** The dtypes the collectives take, in the addon's code order. */
export const DIST_DTYPES = ['float32', 'float64', 'int32'] as const;

let addon: NativeDistAddon | null = null;

/** The Gloo addon; throws naming the package to install when it was not built. */
export function distAddon(): NativeDistAddon {
  if (addon) return addon;
  const file = process.env.TENSORGRAD_ADDON
    ? path.join(path.dirname(process.env.TENSORGRAD_ADDON), 'tensorgrad_dist.node')
    : packagedAddon(packageRoot(), 'tensorgrad_dist');
  if (!fs.existsSync(file)) {
    throw new Error(
      `initProcessGroup: tensorgrad was built without Gloo, so tg.distributed is not available (${file} is missing). ` +
        'Install Gloo (Debian/Ubuntu: apt-get install libgloo-dev) and rebuild tensorgrad (npm install, or npm run build:native). ' +
        "Gloo's TCP transport is Linux-only.",
    );
  }
  try {
    addon = createRequire(__filename)(file) as NativeDistAddon;
  } catch (e) {
    throw new Error(
      `initProcessGroup: cannot load tg.distributed's addon ${file}: ${(e as Error).message}. ` +
        "It needs Gloo's shared library (Debian/Ubuntu: apt-get install libgloo0, or libgloo-dev to build).",
    );
  }
  return addon;
}
