// Memory hints for large fresh outputs.
#pragma once
#include <cstddef>

namespace tg {

// Asks the kernel to back [p, p + bytes) with transparent huge pages before it is first
// written. A fresh large JS ArrayBuffer is untouched zero pages, and faulting them in 4 KB
// at a time costs more than the arithmetic of a memory-bound op (issue: ~4 GB/s against
// ~17 GB/s into a preallocated output); 2 MB pages take 512 times fewer faults. Advisory
// only: contents and ownership are unchanged. A no-op for small ranges and off Linux.
void adviseHugePages(void* p, size_t bytes);

}  // namespace tg
