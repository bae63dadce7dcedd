// tensorgrad_dist.node: tg.distributed's collectives on Gloo (lib/distributed/). Built as
// an addon of its own, only where CMake finds Gloo, and loaded on first use: the main
// addon never links Gloo.
//
// One ProcessGroup per initProcessGroup. Its operations run in call order on one thread of
// its own (every rank issues the same collectives in the same order, so their tags agree);
// a synchronous call waits for its turn and its result, an asynchronous one gets a Promise
// settled on the JS thread. Tensors are read and written in place through their memory
// (an ArrayBuffer, or a Uint8Array over a SharedArrayBuffer) at a byte offset. Gloo's
// exceptions become JS errors naming the operation and, when the store knows, the ranks
// that left and why; nothing here aborts the process.
#include <napi.h>

#include <gloo/algorithm.h>
#include <gloo/allgather.h>
#include <gloo/allreduce.h>
#include <gloo/barrier.h>
#include <gloo/broadcast.h>
#include <gloo/math.h>
#include <gloo/reduce_scatter.h>
#include <gloo/rendezvous/context.h>
#include <gloo/transport/tcp/device.h>

#include <sched.h>

#include <condition_variable>
#include <exception>
#include <cstring>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "tcp_store.h"

namespace {

using tgdist::Millis;
using tgdist::StoreClient;
using tgdist::StoreServer;

// Codes shared with lib/distributed/native.ts.
enum class DType { Float32 = 0, Float64 = 1, Int32 = 2 };
enum class ReduceOp { Sum = 0, Avg = 1, Product = 2, Min = 3, Max = 4 };

struct Job;
using JobRef = std::shared_ptr<Job>;
void settleJob(Napi::Env env, Napi::Function, std::nullptr_t*, JobRef* job);
using Completion = Napi::TypedThreadSafeFunction<std::nullptr_t, JobRef, settleJob>;

// One operation: `run` executes on the group's thread and throws on failure.
struct Job {
  std::string op;
  std::function<void()> run;
  // Point-to-point only: waits for the transfer `run` posted, on a thread of its own.
  std::function<void()> finish;
  std::string error;  // empty: it succeeded
  // Set when the job has finished (error written); a synchronous caller waits on it.
  std::promise<void> done;
  std::shared_future<void> finished = done.get_future().share();
  // Asynchronous: settled on the JS thread; `keep` holds the memory until then.
  std::optional<Napi::Promise::Deferred> deferred;
  std::vector<Napi::ObjectReference> keep;
  Completion completion;
};

void settleJob(Napi::Env env, Napi::Function, std::nullptr_t*, JobRef* ref) {
  std::unique_ptr<JobRef> owned(ref);
  Job& job = **ref;
  job.keep.clear();
  if (env == nullptr) return;  // the environment is closing
  if (job.error.empty()) {
    job.deferred->Resolve(env.Undefined());
  } else {
    job.deferred->Reject(Napi::Error::New(env, job.error).Value());
  }
}

struct Group : std::enable_shared_from_this<Group> {
  int rank = 0;
  int size = 1;
  Millis timeout{0};
  std::unique_ptr<StoreServer> server;  // rank 0 only
  std::shared_ptr<StoreClient> store;
  std::shared_ptr<gloo::transport::Device> device;
  std::shared_ptr<gloo::rendezvous::Context> context;

  std::mutex mu;
  std::condition_variable wake;
  std::deque<JobRef> queue;
  bool stopping = false;
  bool busy = false;
  std::thread worker;
  uint32_t nextTag = 0;  // advanced only on the worker, in call order: equal on every rank

  // Why `op` failed: Gloo's message, and the ranks that left (the store records them; a
  // dead peer's store connection may close a moment after its Gloo connections, so this
  // asks again for up to a second).
  std::string describeFailure(const std::string& op, const std::string& what) {
    std::string departed;
    try {
      for (int attempt = 0; attempt < 10 && departed.empty(); ++attempt) {
        departed = store->departures();
        if (departed.empty()) std::this_thread::sleep_for(Millis(100));
      }
    } catch (const std::exception& e) {
      return op + " failed on rank " + std::to_string(rank) + ": " + what + "; the store on rank 0 is unreachable as well (" +
             e.what() + "): rank 0 has probably exited";
    }
    if (!departed.empty()) {
      return op + " failed on rank " + std::to_string(rank) + " because ranks left the process group:\n" + departed + "(Gloo: " +
             what + ")";
    }
    return op + " failed on rank " + std::to_string(rank) + ": " + what +
           " (no rank has left: one may be stuck, or the ranks did not call the same collectives in the same order)";
  }

  void loop() {
    for (;;) {
      JobRef job;
      {
        std::unique_lock<std::mutex> lock(mu);
        wake.wait(lock, [&] { return stopping || !queue.empty(); });
        if (queue.empty()) return;  // stopping, and nothing left to run
        job = queue.front();
        queue.pop_front();
        busy = true;
      }
      bool posted = attempt(job, job->run) && job->finish;
      {
        std::lock_guard<std::mutex> lock(mu);
        busy = false;
      }
      if (posted) {
        // The group lives as long as the waiting thread (it holds a reference).
        std::thread([self = shared_from_this(), job] {
          self->attempt(job, job->finish);
          self->complete(job);
        }).detach();
      } else {
        complete(job);
      }
    }
  }

  // Runs one step of `job`; on failure records the error and returns false.
  bool attempt(const JobRef& job, const std::function<void()>& step) {
    try {
      step();
      return true;
    } catch (const std::exception& e) {
      job->error = describeFailure(job->op, e.what());
    } catch (...) {
      job->error = job->op + " failed on rank " + std::to_string(rank) + " (unknown error)";
    }
    return false;
  }

  // Hands the finished job back: to the waiting caller, or to the JS thread's Promise.
  void complete(const JobRef& job) {
    job->done.set_value();
    if (job->deferred) {
      Completion completion = job->completion;
      auto* ref = new JobRef(job);
      if (completion.BlockingCall(ref) != napi_ok) delete ref;  // the environment is closing
      completion.Release();
    }
  }

  // Stops the thread. A thread inside a collective (the process is ending while a rank
  // still waits) is left to finish or time out on its own; it holds the group alive.
  void shutdown() {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (stopping) return;
      stopping = true;
      wake.notify_all();
      if (busy || !queue.empty()) {
        worker.detach();
        return;
      }
    }
    worker.join();
  }
};

// Gloo's TCP device with its I/O thread under SCHED_BATCH (the thread inherits the policy
// of the thread that creates the device, a short-lived one here). Why: that thread reads
// every incoming message, and when it cannot take a pair's lock it retries at once
// (epoll is level-triggered), so it spins while the lock's holder (the thread running the
// collective, which holds it while it writes to the socket) is off the CPU. A normal
// thread woken by incoming data preempts the holder on its CPU at the end of its write and
// then spins for the rest of its time slice: on a loaded machine every 1 MB all-reduce
// took one scheduler tick (4 ms at HZ=250) instead of ~1 ms. A SCHED_BATCH thread never
// preempts on wakeup and keeps its normal share of the CPU; it runs as soon as the holder
// blocks waiting for the data. Best effort: where the policy cannot be set, nothing else changes.
std::shared_ptr<gloo::transport::Device> createDevice(const gloo::transport::tcp::attr& attr) {
  std::shared_ptr<gloo::transport::Device> device;
  std::exception_ptr failure;
  std::thread([&] {
    sched_param normal{};
    sched_setscheduler(0, SCHED_BATCH, &normal);
    try {
      device = gloo::transport::tcp::CreateDevice(attr);
    } catch (...) {
      failure = std::current_exception();
    }
  }).join();
  if (failure) std::rethrow_exception(failure);
  return device;
}

std::string str(const Napi::Value& v) { return v.As<Napi::String>().Utf8Value(); }

// The bytes [byteOffset, byteOffset + byteLength) of a storage's memory.
char* memoryAt(const Napi::Value& memory, size_t byteOffset, size_t byteLength, const std::string& op) {
  Napi::Env env = memory.Env();
  char* base;
  size_t length;
  if (memory.IsArrayBuffer()) {
    auto ab = memory.As<Napi::ArrayBuffer>();
    base = static_cast<char*>(ab.Data());
    length = ab.ByteLength();
  } else if (memory.IsTypedArray()) {
    auto ta = memory.As<Napi::TypedArray>();
    base = static_cast<char*>(ta.ArrayBuffer().Data()) + ta.ByteOffset();
    length = ta.ByteLength();
  } else {
    throw Napi::TypeError::New(env, op + ": expected a tensor's memory (an ArrayBuffer or a Uint8Array)");
  }
  if (byteOffset > length || byteLength > length - byteOffset) {
    throw Napi::RangeError::New(env, op + ": bytes " + std::to_string(byteOffset) + "+" + std::to_string(byteLength) +
                                         " lie outside the tensor's memory of " + std::to_string(length) + " bytes");
  }
  return base + byteOffset;
}

size_t elementSize(DType d) { return d == DType::Float64 ? 8 : 4; }

template <typename T>
gloo::AllreduceOptions::Func reduceFunction(ReduceOp op) {
  using Fn = void (*)(void*, const void*, const void*, size_t);
  switch (op) {
    case ReduceOp::Product: return static_cast<Fn>(&gloo::product<T>);
    case ReduceOp::Min: return static_cast<Fn>(&gloo::min<T>);
    case ReduceOp::Max: return static_cast<Fn>(&gloo::max<T>);
    default: return static_cast<Fn>(&gloo::sum<T>);  // Sum, and Avg before its division
  }
}

template <typename T>
const gloo::ReductionFunction<T>* reductionFunction(ReduceOp op) {
  switch (op) {
    case ReduceOp::Product: return gloo::ReductionFunction<T>::product;
    case ReduceOp::Min: return gloo::ReductionFunction<T>::min;
    case ReduceOp::Max: return gloo::ReductionFunction<T>::max;
    default: return gloo::ReductionFunction<T>::sum;
  }
}

// AVG's last step: the sum divided by the number of ranks (int32: truncated, as C does).
template <typename T>
void divideBy(T* data, size_t count, int size) {
  for (size_t i = 0; i < count; ++i) data[i] = static_cast<T>(data[i] / static_cast<T>(size));
}

// Calls fn with a null pointer of the element type of `dtype`.
template <typename Fn>
void withType(DType dtype, Fn fn) {
  switch (dtype) {
    case DType::Float32: return fn(static_cast<float*>(nullptr));
    case DType::Float64: return fn(static_cast<double*>(nullptr));
    case DType::Int32: return fn(static_cast<int32_t*>(nullptr));
  }
}

class ProcessGroup : public Napi::ObjectWrap<ProcessGroup> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "ProcessGroup",
                       {InstanceMethod("allReduce", &ProcessGroup::AllReduce), InstanceMethod("broadcast", &ProcessGroup::Broadcast),
                        InstanceMethod("allGather", &ProcessGroup::AllGather),
                        InstanceMethod("reduceScatter", &ProcessGroup::ReduceScatter), InstanceMethod("send", &ProcessGroup::Send),
                        InstanceMethod("recv", &ProcessGroup::Recv), InstanceMethod("barrier", &ProcessGroup::Barrier),
                        InstanceMethod("leave", &ProcessGroup::Leave), InstanceMethod("destroy", &ProcessGroup::Destroy)});
  }

  // new ProcessGroup(rank, worldSize, host, port, timeoutMs): meets the other ranks
  // (blocks until all arrived, or throws after the timeout naming those missing).
  explicit ProcessGroup(const Napi::CallbackInfo& info) : Napi::ObjectWrap<ProcessGroup>(info) {
    Napi::Env env = info.Env();
    auto g = std::make_shared<Group>();
    g->rank = info[0].As<Napi::Number>().Int32Value();
    g->size = info[1].As<Napi::Number>().Int32Value();
    std::string host = str(info[2]);
    int port = info[3].As<Napi::Number>().Int32Value();
    g->timeout = Millis(info[4].As<Napi::Number>().Int64Value());
    std::string where = host + ":" + std::to_string(port);
    std::string stage = "starting the store";
    try {
      if (g->rank == 0) g->server = std::make_unique<StoreServer>(host, port);
      stage = "connecting to the store";
      g->store = std::make_shared<StoreClient>(host, port, g->rank, g->timeout);
      stage = "waiting for the other ranks";
      meet(*g, env);
      stage = "connecting to the other ranks (Gloo)";
      gloo::transport::tcp::attr attr;
      attr.hostname = g->store->localAddress();
      g->device = createDevice(attr);
      g->context = std::make_shared<gloo::rendezvous::Context>(g->rank, g->size);
      g->context->setTimeout(g->timeout);
      g->context->connectFullMesh(*g->store, g->device);
    } catch (const Napi::Error&) {
      throw;
    } catch (const std::exception& e) {
      throw Napi::Error::New(env, "initProcessGroup (rank " + std::to_string(g->rank) + " of " + std::to_string(g->size) + ", store " +
                                      where + "): " + stage + " failed: " + e.what());
    }
    g->worker = std::thread([g] { g->loop(); });
    group_ = g;
  }

  ~ProcessGroup() override {
    if (group_) group_->shutdown();
  }

 private:
  // Every rank sets its arrival key, then waits for the others' until the timeout; the
  // error names the ranks that did not come. Rank 0's deadline ends the meeting for all:
  // it posts its error in the store and keeps the store up a moment for the others to read it.
  static void meet(Group& g, Napi::Env env) {
    const std::string failedKey = "tg/meeting-failed";
    g.store->set("tg/arrived/" + std::to_string(g.rank), {'1'});
    auto deadline = std::chrono::steady_clock::now() + g.timeout;
    for (;;) {
      if (g.rank != 0 && g.store->check(failedKey)) {
        auto why = g.store->get(failedKey);
        throw std::runtime_error(std::string(why.begin(), why.end()));
      }
      std::vector<int> missing;
      for (int r = 0; r < g.size; ++r) {
        if (!g.store->check("tg/arrived/" + std::to_string(r))) missing.push_back(r);
      }
      if (missing.empty()) return;
      if (std::chrono::steady_clock::now() >= deadline) {
        std::string list;
        for (int r : missing) list += (list.empty() ? "" : ", ") + std::to_string(r);
        std::string why = "rank" + std::string(missing.size() > 1 ? "s " : " ") + list + " did not join within " +
                          std::to_string(g.timeout.count()) + " ms";
        if (g.rank == 0) {
          g.store->set(failedKey, std::vector<char>(why.begin(), why.end()));
          std::this_thread::sleep_for(Millis(300));
        }
        throw std::runtime_error(why);
      }
      std::this_thread::sleep_for(Millis(10));
    }
  }

  Group& group(const Napi::Env& env, const std::string& op) {
    if (!group_) throw Napi::Error::New(env, op + ": the process group was destroyed");
    return *group_;
  }

  // Queues `job`. Synchronous: waits for it and throws its error. Asynchronous (`keep`
  // lists the memory it uses): returns [promise, waitSync], the Promise of its end and a
  // function that blocks until then (throwing its error), for DDP's end of backward.
  Napi::Value submit(Napi::Env env, std::unique_ptr<Job> owned, bool async, const std::vector<Napi::Value>& keep) {
    Group& g = group(env, owned->op);
    JobRef job(std::move(owned));
    Napi::Value result = env.Undefined();
    if (async) {
      job->deferred.emplace(Napi::Promise::Deferred::New(env));
      for (const auto& v : keep) job->keep.push_back(Napi::Persistent(v.As<Napi::Object>()));
      job->completion = Completion::New(env, "tg.distributed", 0, 1);
      auto waitSync = Napi::Function::New(env, [job](const Napi::CallbackInfo& info) {
        job->finished.wait();
        if (!job->error.empty()) throw Napi::Error::New(info.Env(), job->error);
      });
      auto pair = Napi::Array::New(env, 2);
      pair.Set(0u, job->deferred->Promise());
      pair.Set(1u, waitSync);
      result = pair;
    }
    bool inline_ = false;
    {
      std::lock_guard<std::mutex> lock(g.mu);
      // A synchronous call with nothing queued before it runs right here: the order is
      // kept (only this thread queues work), and two thread switches are saved.
      inline_ = !async && g.queue.empty() && !g.busy;
      if (inline_) {
        g.busy = true;
      } else {
        g.queue.push_back(job);
        g.wake.notify_one();
      }
    }
    if (inline_) {
      if (g.attempt(job, job->run) && job->finish) g.attempt(job, job->finish);
      std::lock_guard<std::mutex> lock(g.mu);
      g.busy = false;
      g.wake.notify_one();
    } else if (!async) {
      job->finished.wait();
    }
    if (!async && !job->error.empty()) throw Napi::Error::New(env, job->error);
    return result;
  }

  // allReduce(memory, byteOffset, count, dtype, op, async)
  Napi::Value AllReduce(const Napi::CallbackInfo& info) {
    auto dtype = static_cast<DType>(info[3].As<Napi::Number>().Int32Value());
    auto op = static_cast<ReduceOp>(info[4].As<Napi::Number>().Int32Value());
    size_t count = info[2].As<Napi::Number>().Int64Value();
    char* data = memoryAt(info[0], info[1].As<Napi::Number>().Int64Value(), count * elementSize(dtype), "allReduce");
    auto g = group_;
    auto job = std::make_unique<Job>();
    job->op = "allReduce";
    job->run = [g, data, count, dtype, op] {
      uint32_t tag = g->nextTag++;
      if (count == 0) return;
      withType(dtype, [&](auto* typed) {
        using T = std::remove_pointer_t<decltype(typed)>;
        gloo::AllreduceOptions opts(g->context);
        opts.setOutput(reinterpret_cast<T*>(data), count);
        opts.setReduceFunction(reduceFunction<T>(op));
        opts.setTag(tag);
        gloo::allreduce(opts);
        if (op == ReduceOp::Avg) divideBy(reinterpret_cast<T*>(data), count, g->size);
      });
    };
    return submit(info.Env(), std::move(job), info[5].ToBoolean(), {info[0]});
  }

  // broadcast(memory, byteOffset, byteLength, root, async)
  Napi::Value Broadcast(const Napi::CallbackInfo& info) {
    size_t bytes = info[2].As<Napi::Number>().Int64Value();
    char* data = memoryAt(info[0], info[1].As<Napi::Number>().Int64Value(), bytes, "broadcast");
    int root = info[3].As<Napi::Number>().Int32Value();
    auto g = group_;
    auto job = std::make_unique<Job>();
    job->op = "broadcast";
    job->run = [g, data, bytes, root] {
      uint32_t tag = g->nextTag++;
      if (bytes == 0) return;
      gloo::BroadcastOptions opts(g->context);
      opts.setRoot(root);
      opts.setOutput(reinterpret_cast<uint8_t*>(data), bytes);
      opts.setTag(tag);
      gloo::broadcast(opts);
    };
    return submit(info.Env(), std::move(job), info[4].ToBoolean(), {info[0]});
  }

  // allGather(outMemory, outByteOffset, inMemory, inByteOffset, byteLength (one rank's), async):
  // out holds every rank's bytes, in rank order.
  Napi::Value AllGather(const Napi::CallbackInfo& info) {
    size_t bytes = info[4].As<Napi::Number>().Int64Value();
    auto g = group_;
    char* out = memoryAt(info[0], info[1].As<Napi::Number>().Int64Value(), bytes * group(info.Env(), "allGather").size, "allGather");
    char* in = memoryAt(info[2], info[3].As<Napi::Number>().Int64Value(), bytes, "allGather");
    auto job = std::make_unique<Job>();
    job->op = "allGather";
    job->run = [g, out, in, bytes] {
      uint32_t tag = g->nextTag++;
      if (bytes == 0) return;
      gloo::AllgatherOptions opts(g->context);
      opts.setInput(reinterpret_cast<uint8_t*>(in), bytes);
      opts.setOutput(reinterpret_cast<uint8_t*>(out), bytes * g->size);
      opts.setTag(tag);
      gloo::allgather(opts);
    };
    return submit(info.Env(), std::move(job), info[5].ToBoolean(), {info[0], info[2]});
  }

  // reduceScatter(memory, byteOffset, count (one rank's), dtype, op, async): memory holds
  // every rank's chunk in rank order (reduced in place); this rank's result ends up in
  // the first chunk (Gloo's halving-doubling reduce-scatter).
  Napi::Value ReduceScatter(const Napi::CallbackInfo& info) {
    auto dtype = static_cast<DType>(info[3].As<Napi::Number>().Int32Value());
    auto op = static_cast<ReduceOp>(info[4].As<Napi::Number>().Int32Value());
    size_t count = info[2].As<Napi::Number>().Int64Value();
    auto g = group_;
    int size = group(info.Env(), "reduceScatter").size;
    char* data = memoryAt(info[0], info[1].As<Napi::Number>().Int64Value(), count * size * elementSize(dtype), "reduceScatter");
    auto job = std::make_unique<Job>();
    job->op = "reduceScatter";
    job->run = [g, data, count, dtype, op] {
      g->nextTag++;  // (this algorithm takes its slots from the context; the tag keeps step)
      if (count == 0) return;
      withType(dtype, [&](auto* typed) {
        using T = std::remove_pointer_t<decltype(typed)>;
        std::vector<T*> ptrs{reinterpret_cast<T*>(data)};
        std::vector<int> recvElems(g->size, static_cast<int>(count));
        gloo::ReduceScatterHalvingDoubling<T> algorithm(g->context, ptrs, static_cast<int>(count * g->size), recvElems,
                                                        reductionFunction<T>(op));
        algorithm.run();
        if (op == ReduceOp::Avg) divideBy(reinterpret_cast<T*>(data), count, g->size);
      });
    };
    return submit(info.Env(), std::move(job), info[5].ToBoolean(), {info[0]});
  }

  // send/recv(memory, byteOffset, byteLength, peer, tag, async). The transfer is posted in
  // call order on the group's thread and waited for by a thread of its own, so that a send
  // and a recv posted one after the other both progress (as PyTorch's isend/irecv).
  Napi::Value PointToPoint(const Napi::CallbackInfo& info, bool sending) {
    std::string op = sending ? "send" : "recv";
    size_t bytes = info[2].As<Napi::Number>().Int64Value();
    char* data = memoryAt(info[0], info[1].As<Napi::Number>().Int64Value(), bytes, op);
    int peer = info[3].As<Napi::Number>().Int32Value();
    uint64_t slot = (uint64_t{0x7f} << 56) | info[4].As<Napi::Number>().Uint32Value();
    auto g = group_;
    auto job = std::make_unique<Job>();
    job->op = op;
    auto buffer = std::make_shared<std::unique_ptr<gloo::transport::UnboundBuffer>>();
    job->run = [g, data, bytes, peer, slot, sending, buffer] {
      *buffer = g->context->createUnboundBuffer(data, bytes);
      if (sending) (*buffer)->send(peer, slot);
      else (*buffer)->recv(peer, slot);
    };
    job->finish = [g, sending, buffer] {
      bool finished = sending ? (*buffer)->waitSend(g->timeout) : (*buffer)->waitRecv(g->timeout);
      if (!finished) throw std::runtime_error("timed out after " + std::to_string(g->timeout.count()) + " ms");
    };
    return submit(info.Env(), std::move(job), info[5].ToBoolean(), {info[0]});
  }

  Napi::Value Send(const Napi::CallbackInfo& info) { return PointToPoint(info, true); }
  Napi::Value Recv(const Napi::CallbackInfo& info) { return PointToPoint(info, false); }

  // barrier(async)
  Napi::Value Barrier(const Napi::CallbackInfo& info) {
    auto g = group_;
    auto job = std::make_unique<Job>();
    job->op = "barrier";
    job->run = [g] {
      gloo::BarrierOptions opts(g->context);
      opts.setTag(g->nextTag++);
      gloo::barrier(opts);
    };
    return submit(info.Env(), std::move(job), info[0].ToBoolean(), {});
  }

  // leave(reason): records in the store why this rank goes (best effort: the store may be gone).
  Napi::Value Leave(const Napi::CallbackInfo& info) {
    if (group_) {
      try {
        group_->store->leave(str(info[0]));
      } catch (const std::exception&) {
      }
    }
    return info.Env().Undefined();
  }

  // destroy(): leaves, stops the thread and closes the connections (rank 0: the store too).
  Napi::Value Destroy(const Napi::CallbackInfo& info) {
    if (group_) {
      try {
        group_->store->leave("called destroyProcessGroup");
      } catch (const std::exception&) {
      }
      group_->shutdown();
      group_.reset();
    }
    return info.Env().Undefined();
  }

  std::shared_ptr<Group> group_;
};

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("ProcessGroup", ProcessGroup::Define(env));
  return exports;
}

}  // namespace

NODE_API_MODULE(tensorgrad_dist, Init)
