// tensorgrad_pool.node: a pool of reusable memory blocks for tensor storages over the
// slab limit (lib/memory-pool.ts, lib/storage.ts). Why: every new ArrayBuffer that V8
// allocates is counted as external memory, and each ~64 MB of it forces a full
// mark-compact; in the MLP training step (1.8 MB of new buffers per step) that was a 4 ms
// pause every 23-60 steps, plus fresh pages the kernel had to zero and malloc's work.
//
// A block here is handed to JS as an ArrayBuffer over the block (a BackingStore with our
// deleter). V8 calls the deleter when the last holder of the backing store is gone: the
// ArrayBuffer and every typed array over it were collected, or, if the buffer was
// transferred (postMessage, structuredClone, ArrayBuffer.prototype.transfer), the
// receiver dropped it too. So a block goes back to the free list only when no JS object
// can reach it, on whichever thread V8 frees it (a sweeper thread, another worker): the
// pool is locked.
//
// Accounting: V8 adds a buffer's length to its external-memory counter when the buffer is
// created and subtracts it when it dies. A block that goes back to the free list is still
// the process's memory, so its length is added back ("credit", applied on the owning
// thread at its next allocation); reusing a free block subtracts that credit again before
// V8 adds the new buffer's length. Net: V8's counter moves only when the pool maps new
// memory or gives memory back, so V8 still sees the real footprint, but reuse costs no
// GC pressure. (V8 >= 11 counts a custom-deleter backing store's whole length,
// BackingStore::PerIsolateAccountingLength; if a V8 counted nothing, the counter would be
// low by at most the pooled bytes, never drift.)
//
// One pool per Node environment (the main thread and each worker load the addon): only
// its own thread allocates from it; deleters may run anywhere. A pool outlives its
// environment while blocks it handed out are still alive elsewhere (a buffer transferred
// to another thread); the last one returned deletes it.
//
// This addon uses V8's API (Node-API cannot create a backing store with a deleter V8
// calls directly: napi's external buffers call back from the event loop, which a
// synchronous training loop never turns), so it is built against the running Node's own
// headers and loads only into that Node ABI; lib/memory-pool.ts falls back to plain
// ArrayBuffers when it is missing or does not load. Under V8's sandbox (Electron)
// external backing stores are not allowed: the pool then reports itself unavailable.
#include <node.h>
#include <v8.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <vector>

#include "tg/memory.h"

namespace {

// Size classes: quarter steps between powers of two (at most 25% slack), from just over
// the slab limit (4 KiB < bytes) up to kMaxBytes; larger tensors use plain ArrayBuffers.
constexpr int kMinLog = 12;
constexpr int kMaxLog = 26;  // 64 MiB
constexpr size_t kMaxBytes = size_t(1) << kMaxLog;
constexpr int kClasses = (kMaxLog - kMinLog) * 4;
constexpr size_t kAlign = 64;  // a cache line, and a whole AVX-512 vector
constexpr size_t kDefaultLimit = size_t(256) << 20;
constexpr size_t kGcCheckBytes = size_t(1) << 20;

// Class index of `bytes` (kMinLog bits < bytes <= kMaxBytes): 2^k < bytes <= 2^(k+1),
// classes 2^k + q * 2^(k-2) for q = 1..4.
int classOf(size_t bytes) {
  const int k = 63 - __builtin_clzll(static_cast<unsigned long long>(bytes - 1));
  const size_t quarter = size_t(1) << (k - 2);
  const size_t q = (bytes - (size_t(1) << k) + quarter - 1) / quarter;
  return (k - kMinLog) * 4 + static_cast<int>(q) - 1;
}
size_t classBytes(int c) {
  const int k = c / 4 + kMinLog;
  return (size_t(1) << k) + size_t(c % 4 + 1) * (size_t(1) << (k - 2));
}

struct Pool;

struct Block {
  void* data;
  int cls;
  Pool* pool;
  size_t credited;  // bytes added back to V8's counter while this block is free
};

struct Stats {
  double created = 0, reused = 0, released = 0;
};

struct Pool {
  std::mutex mu;
  std::vector<Block*> free[kClasses];
  size_t freeBytes = 0;     // class bytes of the free blocks
  size_t limit = kDefaultLimit;  // free bytes above this go back to the OS
  size_t outstanding = 0;   // blocks handed out and not yet returned
  size_t liveBytes = 0;     // their class bytes
  int64_t credit = 0;       // bytes to add back to V8's counter at the next allocation
  bool orphaned = false;    // the environment is gone
  size_t bytesSinceCheck = 0;  // handed out since V8 last checked its young buffers (owner thread)
  Stats stats;
};

void releaseBlock(Block* b) {
  std::free(b->data);
  delete b;
}

// V8's deleter: any thread. Returns the block to its pool, or to the OS when the pool is
// full or its environment is gone.
void returnBlock(void* /*data*/, size_t length, void* deleterData) {
  Block* b = static_cast<Block*>(deleterData);
  Pool* p = b->pool;
  const size_t bytes = classBytes(b->cls);
  bool keep, deletePool;
  {
    std::lock_guard<std::mutex> lock(p->mu);
    --p->outstanding;
    p->liveBytes -= bytes;
    keep = !p->orphaned && p->freeBytes + bytes <= p->limit;
    if (keep) {
      b->credited = length;
      p->credit += static_cast<int64_t>(length);
      p->free[b->cls].push_back(b);
      p->freeBytes += bytes;
    } else {
      ++p->stats.released;
    }
    deletePool = p->orphaned && p->outstanding == 0;
  }
  if (!keep) releaseBlock(b);
  if (deletePool) delete p;
}

// Frees free blocks until at most `limit` bytes are pooled; returns the credited bytes
// that left V8's view with them. Caller holds the lock.
int64_t trimLocked(Pool* p, size_t limit) {
  int64_t uncredited = 0;
  for (int c = kClasses - 1; c >= 0 && p->freeBytes > limit; --c) {
    auto& list = p->free[c];
    while (!list.empty() && p->freeBytes > limit) {
      Block* b = list.back();
      list.pop_back();
      p->freeBytes -= classBytes(c);
      uncredited += static_cast<int64_t>(b->credited);
      ++p->stats.released;
      releaseBlock(b);
    }
  }
  return uncredited;
}

void onEnvironmentExit(void* arg) {
  Pool* p = static_cast<Pool*>(arg);
  bool deletePool;
  {
    std::lock_guard<std::mutex> lock(p->mu);
    p->orphaned = true;
    trimLocked(p, 0);
    deletePool = p->outstanding == 0;
  }
  if (deletePool) delete p;
}

Pool* poolOf(const v8::FunctionCallbackInfo<v8::Value>& args) {
  return static_cast<Pool*>(args.Data().As<v8::External>()->Value());
}

// How a block's bytes start: zeroed, as they are (the caller overwrites them all), or
// 0xff (TENSORGRAD_POISON_OUTPUTS: an element a kernel failed to write shows up).
enum Fill { kZero = 0, kUninitialized = 1, kPoison = 2 };

// allocate(bytes, fill): an ArrayBuffer of `bytes` (4 KiB < bytes <= maxBytes) over a
// pooled block, or undefined when memory runs out (the caller names the op in its error).
void Allocate(const v8::FunctionCallbackInfo<v8::Value>& args) {
  v8::Isolate* isolate = args.GetIsolate();
  Pool* p = poolOf(args);
  const double requested = args[0]->IsNumber() ? args[0].As<v8::Number>()->Value() : 0;
  const int fill = args[1]->IsInt32() ? args[1].As<v8::Int32>()->Value() : kZero;
  if (!(requested > double(size_t(1) << kMinLog) && requested <= double(kMaxBytes))) {
    isolate->ThrowException(v8::Exception::RangeError(
        v8::String::NewFromUtf8Literal(isolate, "memory pool: allocate: size out of the pooled range")));
    return;
  }
  const size_t bytes = static_cast<size_t>(requested);
  const int cls = classOf(bytes);
  Block* b = nullptr;
  int64_t adjust;
  {
    std::lock_guard<std::mutex> lock(p->mu);
    adjust = p->credit;
    p->credit = 0;
    auto& list = p->free[cls];
    if (!list.empty()) {
      b = list.back();
      list.pop_back();
      p->freeBytes -= classBytes(cls);
      adjust -= static_cast<int64_t>(b->credited);  // V8 is about to count this block again
      ++p->stats.reused;
    } else {
      ++p->stats.created;
    }
    ++p->outstanding;
    p->liveBytes += classBytes(cls);
  }
  if (b == nullptr) {
    void* data = std::aligned_alloc(kAlign, classBytes(cls));  // class sizes are multiples of 64
    if (data == nullptr) {
      {
        std::lock_guard<std::mutex> lock(p->mu);
        --p->stats.created;
        --p->outstanding;
        p->liveBytes -= classBytes(cls);
      }
      if (adjust != 0) isolate->AdjustAmountOfExternalAllocatedMemory(adjust);
      return;  // undefined: out of memory
    }
    // Before anything touches it: huge pages make its first writes and every pass faster.
    tg::adviseHugePages(data, classBytes(cls));
    b = new Block{data, cls, p, 0};
  }
  if (adjust != 0) isolate->AdjustAmountOfExternalAllocatedMemory(adjust);
  // V8 runs a scavenge (a cheap minor GC) when young ArrayBuffers hold 2 semi-spaces'
  // worth of external bytes, so that short-lived buffers die young and often; but it
  // checks only when it allocates a backing store itself. Ours count as young bytes too:
  // a 1-byte backing store of V8's own, once per MiB handed out, makes it check. Without
  // this the young generation grew to its maximum between scavenges and the old one
  // crossed V8's threshold for incremental marking: a full mark-compact every few dozen
  // MLP steps again.
  p->bytesSinceCheck += bytes;
  if (p->bytesSinceCheck >= kGcCheckBytes) {
    p->bytesSinceCheck = 0;
    v8::ArrayBuffer::NewBackingStore(isolate, 1);
  }
  if (fill == kZero) std::memset(b->data, 0, bytes);
  else if (fill == kPoison) std::memset(b->data, 0xff, bytes);
  std::unique_ptr<v8::BackingStore> store = v8::ArrayBuffer::NewBackingStore(b->data, bytes, returnBlock, b);
  args.GetReturnValue().Set(v8::ArrayBuffer::New(isolate, std::move(store)));
}

void SetNumber(v8::Isolate* isolate, v8::Local<v8::Object> obj, const char* key, double value) {
  obj->Set(isolate->GetCurrentContext(), v8::String::NewFromUtf8(isolate, key).ToLocalChecked(), v8::Number::New(isolate, value))
      .Check();
}

// stats(): this thread's pool, for tests and tuning.
void GetStats(const v8::FunctionCallbackInfo<v8::Value>& args) {
  v8::Isolate* isolate = args.GetIsolate();
  Pool* p = poolOf(args);
  v8::Local<v8::Object> out = v8::Object::New(isolate);
  std::lock_guard<std::mutex> lock(p->mu);
  SetNumber(isolate, out, "freeBytes", double(p->freeBytes));
  SetNumber(isolate, out, "liveBytes", double(p->liveBytes));
  SetNumber(isolate, out, "liveBlocks", double(p->outstanding));
  SetNumber(isolate, out, "limit", double(p->limit));
  SetNumber(isolate, out, "created", p->stats.created);
  SetNumber(isolate, out, "reused", p->stats.reused);
  SetNumber(isolate, out, "released", p->stats.released);
  // V8's external-memory counter for this thread (all external memory, not only ours).
  SetNumber(isolate, out, "v8ExternalBytes", double(isolate->AdjustAmountOfExternalAllocatedMemory(0)));
  args.GetReturnValue().Set(out);
}

// setLimit(bytes): the most free bytes kept for reuse (the rest goes back to the OS now).
void SetLimit(const v8::FunctionCallbackInfo<v8::Value>& args) {
  v8::Isolate* isolate = args.GetIsolate();
  Pool* p = poolOf(args);
  const double limit = args[0]->IsNumber() ? args[0].As<v8::Number>()->Value() : -1;
  if (!(limit >= 0 && limit <= 9007199254740991.0)) {
    isolate->ThrowException(v8::Exception::RangeError(
        v8::String::NewFromUtf8Literal(isolate, "setMemoryPoolLimit: expected a byte count >= 0")));
    return;
  }
  int64_t uncredited;
  {
    std::lock_guard<std::mutex> lock(p->mu);
    p->limit = static_cast<size_t>(limit);
    uncredited = trimLocked(p, p->limit);
  }
  if (uncredited != 0) isolate->AdjustAmountOfExternalAllocatedMemory(-uncredited);
}

}  // namespace

NODE_MODULE_INIT(/* exports, module, context */) {
  v8::Isolate* isolate = context->GetIsolate();
#ifdef V8_ENABLE_SANDBOX
  // External backing stores must live inside the sandbox: no pool here.
  exports->Set(context, v8::String::NewFromUtf8Literal(isolate, "available"), v8::False(isolate)).Check();
#else
  Pool* pool = new Pool();
  node::AddEnvironmentCleanupHook(isolate, onEnvironmentExit, pool);
  v8::Local<v8::External> data = v8::External::New(isolate, pool);
  auto method = [&](const char* name, v8::FunctionCallback fn) {
    v8::Local<v8::Function> f = v8::FunctionTemplate::New(isolate, fn, data)->GetFunction(context).ToLocalChecked();
    exports->Set(context, v8::String::NewFromUtf8(isolate, name).ToLocalChecked(), f).Check();
  };
  method("allocate", Allocate);
  method("stats", GetStats);
  method("setLimit", SetLimit);
  exports->Set(context, v8::String::NewFromUtf8Literal(isolate, "available"), v8::True(isolate)).Check();
  exports->Set(context, v8::String::NewFromUtf8Literal(isolate, "maxBytes"), v8::Number::New(isolate, double(kMaxBytes))).Check();
#endif
}
