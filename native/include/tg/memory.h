// Process memory: how tensor buffers are allocated and backed. The binding calls these;
// kernels never need them.
#pragma once
#include <cstddef>

namespace tg {

// Tunes glibc malloc for tensor workloads (process-wide, so only when the user asks:
// tg.setAllocatorTuning(true) or TENSORGRAD_MALLOC_TUNING=1). Node frees an ArrayBuffer's
// memory only when the garbage collector sweeps it, many at once, and glibc then hands
// the heap top back to the OS (trim) or unmaps the block (mid-size blocks are mmapped):
// the next output of the same size faults its pages in again, 4 KB at a time, and a
// 128 KB ReLU-backward output cost 100 us instead of 30. On, this keeps up to 64 MB of
// freed heap for reuse and serves blocks under 4 MB from the heap (larger ones are
// mmapped and get huge pages, see below); off restores glibc's default thresholds.
// Returns whether it applied (false off glibc).
bool setAllocatorTuning(bool on);

// Asks the kernel to back [p, p + bytes) with transparent huge pages before it is first
// written. A fresh large buffer is untouched zero pages, and faulting them in 4 KB at a
// time costs more than the arithmetic of a memory-bound op (issue: ~4 GB/s against ~17
// GB/s into a preallocated output); 2 MB pages take 512 times fewer faults and TLB
// misses (a 1-thread sum over 64 MB ran at 7 GB/s on 4 KB pages, 10 GB/s on 2 MB ones).
// Advisory only: contents and ownership are unchanged. A no-op below 4 MB and off Linux.
void adviseHugePages(void* p, size_t bytes);

}  // namespace tg
