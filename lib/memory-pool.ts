// The tensor memory pool (binding/pool/pool.cpp): storages over the slab limit, and the
// slabs of smaller ones (lib/storage.ts), get their memory from reusable native blocks
// instead of a new ArrayBuffer each. V8 counts every new
// ArrayBuffer as external memory and runs a full mark-compact per ~64 MB of them; a
// training step's temporaries (1.8 MB per MLP step) made that a pause every few dozen
// steps. Pooled blocks are counted once, when the pool grows, and a block is reused only
// after V8 has freed every holder of its buffer (see pool.cpp).
//
// The pool is a separate addon built against the running Node's headers (it uses V8's
// API). Without it (not built: no Node headers; a prebuilt package on another Node ABI;
// TENSORGRAD_MEMORY_POOL=0; a V8 sandbox, as in Electron) storages use plain ArrayBuffers
// as before: same results, more GC work.
import * as fs from 'fs';
import * as path from 'path';
import { createRequire } from 'module';
import { packageRoot, packagedAddon } from './native/binding';

/** How a pooled block's bytes start (pool.cpp's Fill). */
export const enum PoolFill {
  Zero = 0,
  Uninitialized = 1,
  /** 0xff bytes (TENSORGRAD_POISON_OUTPUTS=1): elements a kernel fails to write show up. */
  Poison = 2,
}

/** This thread's pool: its free and live blocks, and what it did so far. */
export interface MemoryPoolStats {
  /** Bytes of free blocks kept for reuse (at most `limit`). */
  freeBytes: number;
  /** Bytes of blocks held by live buffers (or not yet collected ones). */
  liveBytes: number;
  /** Blocks held by live buffers (or not yet collected ones). */
  liveBlocks: number;
  /** The most free bytes kept; more go back to the OS. */
  limit: number;
  /** Blocks allocated from the OS. */
  created: number;
  /** Allocations served from the free list. */
  reused: number;
  /** Free blocks given back to the OS (over the limit). */
  released: number;
  /** V8's external-memory counter for this thread (all its external memory, not only the pool's). */
  v8ExternalBytes: number;
}

interface NativePool {
  available: boolean;
  /** The largest buffer the pool serves (bigger ones are plain ArrayBuffers). */
  maxBytes: number;
  /** An ArrayBuffer of `bytes` over a pooled block, undefined when memory ran out. */
  allocate(bytes: number, fill: PoolFill): ArrayBuffer | undefined;
  stats(): MemoryPoolStats;
  setLimit(bytes: number): void;
}

function loadPool(): NativePool | null {
  // Electron's V8 sandbox forbids buffers over outside memory (it would abort, not throw).
  if (process.env.TENSORGRAD_MEMORY_POOL === '0' || process.versions.electron !== undefined) return null;
  // Beside the main addon: TENSORGRAD_ADDON's build (e.g. the sanitizer one), else ours.
  const file = process.env.TENSORGRAD_ADDON
    ? path.join(path.dirname(process.env.TENSORGRAD_ADDON), 'tensorgrad_pool.node')
    : packagedAddon(packageRoot(), 'tensorgrad_pool');
  if (!fs.existsSync(file)) return null;
  try {
    const pool = createRequire(__filename)(file) as NativePool;
    return pool.available ? pool : null;
  } catch {
    return null; // built for another Node ABI: plain ArrayBuffers
  }
}

/** This thread's memory pool, or null when storages use plain ArrayBuffers. */
export const memoryPool: NativePool | null = loadPool();

/** This thread's tensor memory pool: free and live bytes, blocks created, reused and
 * released; null when tensors use plain ArrayBuffers (no pool addon, or
 * TENSORGRAD_MEMORY_POOL=0). No PyTorch equivalent (cf. torch.cuda.memory_stats). */
export function memoryPoolStats(): MemoryPoolStats | null {
  return memoryPool?.stats() ?? null;
}

/** Sets how many bytes of freed tensor memory this thread's pool keeps for reuse (default
 * 256 MiB); free blocks beyond it go back to the OS now and later. 0 keeps none. No
 * PyTorch equivalent. A no-op without the pool. */
export function setMemoryPoolLimit(bytes: number): void {
  if (!(typeof bytes === 'number' && bytes >= 0 && Number.isSafeInteger(bytes))) {
    throw new RangeError(`setMemoryPoolLimit: expected a whole number of bytes >= 0, got ${String(bytes)}`);
  }
  memoryPool?.setLimit(bytes);
}
