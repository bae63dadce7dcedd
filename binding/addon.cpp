// The N-API surface of tensorgrad: a handful of generic entry points, each taking an
// opcode and typed arrays whose view metadata sits in a scratch Int32Array registered
// at init (see views.h). No math here: every entry point reads its views and calls
// one function of tg/kernels.h. C++ exceptions become JS errors.
#include <napi.h>
#ifndef _WIN32
#include <poll.h>
#endif

#include <algorithm>
#include <array>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "tg/context.h"
#include "tg/error.h"
#include "tg/generator.h"
#include "tg/kernels.h"
#include "tg/memory.h"
#include "views.h"

namespace {

// A kernel call with its views read, ready to run on any thread: its closure holds the
// views by value (see runKernel).
using BoundKernel = std::function<void(tg::Context&)>;

// tg.async (lib/async.ts): between asyncBegin() and asyncEnd(), kernel calls are recorded
// instead of run, with references that keep their buffers alive until the batch is done.
struct Recording {
  std::vector<BoundKernel> kernels;
  std::vector<Napi::ObjectReference> buffers;
};

// What queued batches share with their environment: a batch runs on a libuv thread and
// may outlive the Instance. Teardown sets `closing` and waits for running batches.
struct AsyncState {
  std::mutex mu;
  std::condition_variable idle;
  bool closing = false;
  int running = 0;
};

// Per-environment state (N-API instance data), so each worker thread has its own.
struct Instance {
  tg::Context ctx;
  // The metadata scratch (an Int32Array at init): its ArrayBuffer and where it starts.
  Napi::Reference<Napi::ArrayBuffer> metaRef;
  size_t metaOffset = 0;
  std::unique_ptr<Recording> recording;  // non-null while tg.async records
  std::shared_ptr<AsyncState> async = std::make_shared<AsyncState>();

  ~Instance() {
    std::unique_lock<std::mutex> lk(async->mu);
    async->closing = true;
    async->idle.wait(lk, [&] { return async->running == 0; });  // they use ctx
  }
};

Instance& instance(Napi::Env env) {
  Instance* inst = env.GetInstanceData<Instance>();
  if (inst == nullptr || inst->metaRef.IsEmpty()) throw Napi::Error::New(env, "tensorgrad addon: init() was not called");
  return *inst;
}

// The scratch's pointer and length are looked up on every call, not kept from init():
// JS can detach its buffer (transfer) or shrink it (resizable ArrayBuffer) at any time,
// which would leave a cached pointer dangling. Two N-API calls, on the ArrayBuffer: its
// info is a few dozen instructions, a typed array's several hundred (a quarter of a
// small matmul's N-API time).
binding::MetaReader metaReader(Napi::Env env, Instance& inst) {
  napi_value meta = inst.metaRef.Value();
  size_t bytes = 0;
  void* data = nullptr;
  if (napi_get_arraybuffer_info(env, meta, &data, &bytes) != napi_ok)
    throw Napi::Error::New(env, "tensorgrad addon: cannot read the metadata scratch buffer");
  const size_t length = bytes > inst.metaOffset ? (bytes - inst.metaOffset) / sizeof(int32_t) : 0;
  return binding::MetaReader(env, reinterpret_cast<const int32_t*>(static_cast<const char*>(data) + inst.metaOffset), length);
}

// A JS number operand becomes a 0-d view of `dtype` over this storage.
struct ScalarOperand {
  union {
    float f32;
    double f64;
    int32_t i32;
    int64_t i64;
    uint8_t b;
  } value;
  tg::View view(tg::DType dtype, double x) {
    switch (dtype) {
      case tg::DType::F32: value.f32 = static_cast<float>(x); break;
      case tg::DType::F64: value.f64 = x; break;
      case tg::DType::I32: value.i32 = tg::toInt32(x); break;
      case tg::DType::I64: value.i64 = tg::toInt64(x); break;
      case tg::DType::Bool: value.b = x != 0; break;
    }
    tg::View v;
    v.data = &value;
    v.dtype = dtype;
    return v;
  }
};

template <typename Enum>
Enum opcode(Napi::Env env, const Napi::Value& value) {
  int32_t op = -1;
  if (napi_get_value_int32(env, value, &op) != napi_ok) throw Napi::TypeError::New(env, "expected an opcode");
  if (op < 0 || op >= static_cast<int32_t>(Enum::Count)) throw Napi::RangeError::New(env, "unknown opcode " + std::to_string(op));
  return static_cast<Enum>(op);
}

void requireArgs(const Napi::CallbackInfo& info, size_t n, const char* fn) {
  if (info.Length() < n) throw Napi::TypeError::New(info.Env(), std::string(fn) + ": expected " + std::to_string(n) + " arguments");
}

double numberArg(const Napi::CallbackInfo& info, size_t i, const char* fn) {
  if (!info[i].IsNumber()) throw Napi::TypeError::New(info.Env(), std::string(fn) + ": argument " + std::to_string(i) + " must be a number");
  return info[i].As<Napi::Number>().DoubleValue();
}

// What every kernel entry point starts with: its arguments counted, its environment's
// instance, and a reader of the views' metadata (the scratch), which it reads in order.
struct EntryPoint {
  Napi::Env env;
  Instance& inst;
  binding::MetaReader meta;
  EntryPoint(const Napi::CallbackInfo& info, size_t nargs, const char* fn)
      : env(info.Env()), inst(instance(env)), meta(metaReader(env, inst)) {
    requireArgs(info, nargs, fn);
  }
  tg::View view(const Napi::Value& value, const char* arg) { return binding::readView(env, value, meta, arg); }
};

// Runs fn(ctx) now, turning tg::Error into a JS Error carrying its message.
template <typename Fn>
void runNow(Napi::Env env, tg::Context& ctx, Fn&& fn) {
  try {
    fn(ctx);
  } catch (const tg::Error& e) {
    throw Napi::Error::New(env, e.what());
  } catch (const std::bad_alloc&) {
    throw Napi::Error::New(env, "out of memory");
  }
}

// Runs a kernel now, or records it while tg.async records, with references to every
// buffer argument of the call. `fn` must capture by value: a recorded kernel runs after
// the entry point returned.
template <typename Fn>
void runKernel(const Napi::CallbackInfo& info, Instance& inst, Fn&& fn) {
  if (!inst.recording) return runNow(info.Env(), inst.ctx, fn);
  for (size_t i = 0; i < info.Length(); ++i)
    if (info[i].IsObject()) inst.recording->buffers.push_back(Napi::Persistent(info[i].As<Napi::Object>()));
  inst.recording->kernels.emplace_back(std::forward<Fn>(fn));
}

// For the entry points that tg.async does not record (they mutate state JS reads next).
void refuseRecording(Napi::Env env, Instance& inst, const char* fn) {
  if (inst.recording) throw Napi::Error::New(env, std::string(fn) + " cannot run inside a tg.async operation");
}

Napi::Value Init(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_int32_array)
    throw Napi::TypeError::New(env, "init: expected the Int32Array metadata scratch buffer");
  Instance* inst = env.GetInstanceData<Instance>();
  if (!inst->ctx.cpu.simdError.empty()) throw Napi::Error::New(env, inst->ctx.cpu.simdError);
  Napi::Int32Array meta = info[0].As<Napi::Int32Array>();
  inst->metaRef = Napi::Persistent(meta.ArrayBuffer());
  inst->metaOffset = meta.ByteOffset();

  // What this build was compiled from (native/ops.table), for lib/native/binding.ts to
  // check against the TypeScript it was generated with: per group its op names, and the
  // dtypes as [name, bytes] in code order.
  auto names = [&](const auto& list) {
    Napi::Array arr = Napi::Array::New(env, std::size(list));
    for (size_t i = 0; i < std::size(list); ++i) arr.Set(static_cast<uint32_t>(i), list[i]);
    return arr;
  };
  Napi::Object groups = Napi::Object::New(env);
#define TG_GROUP_NAMES(G) groups.Set(#G, names(tg::k##G##OpNames));
  TG_GROUPS(TG_GROUP_NAMES)
#undef TG_GROUP_NAMES
  Napi::Array dtypes = Napi::Array::New(env);
#define TG_DTYPE_ROW(e, name, bytes)                                   \
  {                                                                    \
    Napi::Array row = Napi::Array::New(env, 2);                        \
    row.Set(0u, name);                                                 \
    row.Set(1u, bytes);                                                \
    dtypes.Set(static_cast<uint32_t>(tg::DType::e), row);              \
  }
  TG_DTYPES(TG_DTYPE_ROW)
#undef TG_DTYPE_ROW
  Napi::Object result = Napi::Object::New(env);
  result.Set("groups", groups);
  result.Set("dtypes", dtypes);
  result.Set("simd", tg::simdName(inst->ctx.cpu));
  return result;
}

// unary(op, out, x, p0, p1)
void Unary(const Napi::CallbackInfo& info) {
  EntryPoint e(info, 5, "unary");
  auto op = opcode<tg::UnaryOp>(e.env, info[0]);
  tg::View out = e.view(info[1], "out");
  tg::View x = e.view(info[2], "x");
  double p0 = numberArg(info, 3, "unary"), p1 = numberArg(info, 4, "unary");
  runKernel(info, e.inst, [=](tg::Context& ctx) { tg::unary(ctx, op, out, x, p0, p1); });
}

// Reads an operand that may be a typed array (a view) or a JS number (a 0-d scalar of
// `dtype`, the other operand's).
tg::View operand(EntryPoint& e, const Napi::Value& value, const char* arg, ScalarOperand& scalar, tg::DType dtype) {
  double number = 0;
  if (napi_get_value_double(e.env, value, &number) == napi_ok) return scalar.view(dtype, number);
  return e.view(value, arg);
}

// binary(op, out, a, b): a or b may be a number
void Binary(const Napi::CallbackInfo& info) {
  EntryPoint e(info, 4, "binary");
  auto op = opcode<tg::BinaryOp>(e.env, info[0]);
  tg::View out = e.view(info[1], "out");
  ScalarOperand sa, sb;
  tg::View a, b;
  double number = 0;
  if (napi_get_value_double(e.env, info[2], &number) == napi_ok) {  // a number on the left takes b's dtype
    b = e.view(info[3], "b");
    a = sa.view(b.dtype, number);
  } else {
    a = e.view(info[2], "a");
    b = operand(e, info[3], "b", sb, a.dtype);
  }
  // A recorded kernel runs later: its scalar operands must live in the closure, not here.
  const bool aScalar = a.data == &sa.value, bScalar = b.data == &sb.value;
  runKernel(info, e.inst, [=](tg::Context& ctx) mutable {
    if (aScalar) a.data = &sa.value;
    if (bScalar) b.data = &sb.value;
    tg::binary(ctx, op, out, a, b);
  });
}

// where(out, cond, a, b): a or b may be a number (of out's dtype)
void Where(const Napi::CallbackInfo& info) {
  EntryPoint e(info, 4, "where");
  tg::View out = e.view(info[0], "out");
  tg::View cond = e.view(info[1], "cond");
  ScalarOperand sa, sb;
  tg::View a = operand(e, info[2], "a", sa, out.dtype);
  tg::View b = operand(e, info[3], "b", sb, out.dtype);
  const bool aScalar = a.data == &sa.value, bScalar = b.data == &sb.value;  // as in Binary
  runKernel(info, e.inst, [=](tg::Context& ctx) mutable {
    if (aScalar) a.data = &sa.value;
    if (bScalar) b.data = &sb.value;
    tg::where(ctx, out, cond, a, b);
  });
}

// copy(out, x)
void Copy(const Napi::CallbackInfo& info) {
  EntryPoint e(info, 2, "copy");
  tg::View out = e.view(info[0], "out");
  tg::View x = e.view(info[1], "x");
  runKernel(info, e.inst, [=](tg::Context& ctx) { tg::copy(ctx, out, x); });
}

// fill(out, value)
void Fill(const Napi::CallbackInfo& info) {
  EntryPoint e(info, 2, "fill");
  tg::View out = e.view(info[0], "out");
  double value = numberArg(info, 1, "fill");
  runKernel(info, e.inst, [=](tg::Context& ctx) { tg::fill(ctx, out, value); });
}

// reduce(op, out, x)
void Reduce(const Napi::CallbackInfo& info) {
  EntryPoint e(info, 3, "reduce");
  auto op = opcode<tg::ReduceOp>(e.env, info[0]);
  tg::View out = e.view(info[1], "out");
  tg::View x = e.view(info[2], "x");
  runKernel(info, e.inst, [=](tg::Context& ctx) { tg::reduce(ctx, op, out, x); });
}

// matmul(out, a, b)
void Matmul(const Napi::CallbackInfo& info) {
  EntryPoint e(info, 3, "matmul");
  tg::View out = e.view(info[0], "out");
  tg::View a = e.view(info[1], "a");
  tg::View b = e.view(info[2], "b");
  runKernel(info, e.inst, [=](tg::Context& ctx) { tg::matmul(ctx, out, a, b); });
}

// optimStep(op, hyper: Float64Array, param, grad, ...state)
void OptimStep(const Napi::CallbackInfo& info) {
  EntryPoint e(info, 4, "optimStep");
  auto op = opcode<tg::OptimOp>(e.env, info[0]);
  if (!info[1].IsTypedArray() || info[1].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array)
    throw Napi::TypeError::New(e.env, "optimStep: hyperparameters must be a Float64Array");
  Napi::Float64Array hyper = info[1].As<Napi::Float64Array>();
  tg::View param = e.view(info[2], "param");
  tg::View grad = e.view(info[3], "grad");
  constexpr size_t kMaxState = 3;
  if (info.Length() > 4 + kMaxState) throw Napi::RangeError::New(e.env, "optimStep: at most 3 state buffers");
  tg::View state[kMaxState];
  const int nstate = static_cast<int>(info.Length() - 4);
  for (int k = 0; k < nstate; ++k) state[k] = e.view(info[4 + k], "state");
  refuseRecording(e.env, e.inst, "optimStep");
  runNow(e.env, e.inst.ctx, [&](tg::Context& ctx) {
    tg::optimStep(ctx, op, hyper.Data(), static_cast<int>(hyper.ElementLength()), param, grad, state, nstate);
  });
}

// random(op, state, out, p0, p1): state is the ArrayBuffer of a generator's state words
// (tg/generator.h), borrowed for this call only; out is null for Seed.
void Random(const Napi::CallbackInfo& info) {
  EntryPoint e(info, 5, "random");
  refuseRecording(e.env, e.inst, "random");
  auto op = opcode<tg::RandomOp>(e.env, info[0]);
  void* state = nullptr;
  size_t stateBytes = 0;
  if (napi_get_arraybuffer_info(e.env, info[1], &state, &stateBytes) != napi_ok || stateBytes != tg::kGeneratorWords * sizeof(uint32_t))
    throw Napi::TypeError::New(e.env, "random: state must be an ArrayBuffer of " + std::to_string(tg::kGeneratorWords) + " 32-bit words");
  tg::View out;
  const bool hasOut = !info[2].IsNull();
  if (hasOut) out = e.view(info[2], "out");
  double p0 = numberArg(info, 3, "random"), p1 = numberArg(info, 4, "random");
  runNow(e.env, e.inst.ctx, [&](tg::Context& ctx) { tg::random(ctx, op, static_cast<uint32_t*>(state), hasOut ? &out : nullptr, p0, p1); });
}

// run(group, op, ...args): the entry point of every generic kernel group (native/ops.table),
// whose table row lists its arguments' kinds: views (ArrayBuffers described in the
// scratch), views or null, numbers. They are checked here; the kernel reads them by
// position (tg/operands.h). Extra arguments are ignored, as by every entry point.
template <typename Op, size_t N>
void runGroup(const Napi::CallbackInfo& info, const char* name, const tg::ArgKind (&kinds)[N],
              void (*kernel)(tg::Context&, Op, const tg::Operands&)) {
  static_assert(N <= size_t(tg::Operands::kMax), "a generic group takes at most Operands::kMax arguments");
  EntryPoint e(info, 2 + N, name);
  const Op op = opcode<Op>(e.env, info[1]);
  // The arguments' names for readView's errors ("Softmax argument 2"), built on the group's
  // first call: each group has its own Op type, so its own instance of this function.
  static const std::array<std::string, N> argNames = [name] {
    std::array<std::string, N> names;
    for (size_t i = 0; i < N; ++i) names[i] = std::string(name) + " argument " + std::to_string(i);
    return names;
  }();
  tg::Operands args;
  args.group = name;
  args.count = static_cast<int>(N);
  for (size_t i = 0; i < N; ++i) {
    const Napi::Value v = info[2 + i];
    if (kinds[i] == tg::ArgKind::Number) {
      args.kinds[i] = tg::Operands::Kind::Number;
      args.numbers[i] = numberArg(info, 2 + i, name);
    } else if (kinds[i] == tg::ArgKind::OptionalView && v.IsNull()) {
      args.kinds[i] = tg::Operands::Kind::Null;
    } else {
      args.kinds[i] = tg::Operands::Kind::View;
      args.views[i] = e.view(v, argNames[i].c_str());
    }
  }
  runKernel(info, e.inst, [=](tg::Context& ctx) { kernel(ctx, op, args); });
}

void Run(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  requireArgs(info, 2, "run");
  switch (opcode<tg::Group>(env, info[0])) {
#define TG_RUN_GROUP(G) \
  case tg::Group::G: return runGroup(info, #G, tg::k##G##Args, &tg::run##G);
    TG_GENERIC_GROUPS(TG_RUN_GROUP)
#undef TG_RUN_GROUP
    default: break;
  }
  throw Napi::RangeError::New(env, "run: group " + std::to_string(info[0].As<Napi::Number>().Int32Value()) + " has its own entry point");
}

void SetNumThreads(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const double n = info.Length() > 0 && info[0].IsNumber() ? info[0].As<Napi::Number>().DoubleValue() : 0;
  if (!(n >= 1 && n <= 1024) || n != static_cast<int>(n))
    throw Napi::RangeError::New(env, "setNumThreads: expected an integer in 1..1024");
  instance(env).ctx.pool.setThreads(static_cast<int>(n));
}

Napi::Value GetNumThreads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), instance(info.Env()).ctx.pool.threads());
}

// adviseHugePages(buffer): a new tensor buffer of 4 MB or more (see tg/memory.h).
void AdviseHugePages(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsArrayBuffer())
    throw Napi::TypeError::New(info.Env(), "adviseHugePages: expected an ArrayBuffer");
  Napi::ArrayBuffer buffer = info[0].As<Napi::ArrayBuffer>();
  tg::adviseHugePages(buffer.Data(), buffer.ByteLength());
}

// setAllocatorTuning(on): glibc malloc thresholds for tensor workloads (see tg/memory.h);
// returns whether they applied.
Napi::Value SetAllocatorTuning(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsBoolean())
    throw Napi::TypeError::New(info.Env(), "setAllocatorTuning: expected a boolean");
  return Napi::Boolean::New(info.Env(), tg::setAllocatorTuning(info[0].As<Napi::Boolean>().Value()));
}

#ifndef _WIN32
// Three calls of libuv's stable 1.x API, which Node exports to addons; declared here
// because node-api-headers ship no uv.h. (Windows links against napi symbols only.)
extern "C" {
int uv_loop_alive(const uv_loop_s* loop);
int uv_backend_fd(const uv_loop_s* loop);
}
#endif

// eventLoopHasIO(): whether I/O waits on this environment's event loop: a socket with a
// request, a worker's message, finished thread-pool work (on Linux also V8's posted
// tasks). DataLoader's `for await` yields when it does, so a server answers within about
// one training step rather than after the whole yield budget. Timers are not seen (libuv
// cannot tell while a setImmediate callback runs, which is where an awaited training
// loop resumes): the loader's time budget covers them. Always false on Windows, where the
// I/O completion port cannot be polled.
Napi::Value EventLoopHasIO(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  bool ready = false;
#ifndef _WIN32
  uv_loop_s* loop = nullptr;
  if (napi_get_uv_event_loop(env, &loop) == napi_ok && loop != nullptr && uv_loop_alive(loop)) {
    // The loop's epoll/kqueue descriptor is readable when any descriptor it watches is.
    pollfd backend{uv_backend_fd(loop), POLLIN, 0};
    ready = backend.fd >= 0 && poll(&backend, 1, 0) > 0;
  }
#endif
  return Napi::Boolean::New(env, ready);
}

// setThreadIdleScheduling(): moves the calling thread to Linux's SCHED_IDLE policy, which
// the threads it starts afterwards (the native pool's) inherit; returns whether it
// applied (false elsewhere). The scheduler preempts a SCHED_IDLE thread as soon as a normal
// one wakes on its CPU and counts that CPU as idle when it places a waking thread, so a
// training job at this policy never delays a request; a nice value only weighs the share.
Napi::Value SetThreadIdleScheduling(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), tg::setCurrentThreadPriority({tg::ThreadPriority::Kind::kIdle}));
}

// setHelperPriority(priority): the priority this environment's pool starts its workers
// with: null (the starting thread's), a nice value -20..19 or 'idle' (SCHED_IDLE).
void SetHelperPriority(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  requireArgs(info, 1, "setHelperPriority");
  tg::ThreadPriority p;
  if (info[0].IsString() && info[0].As<Napi::String>().Utf8Value() == "idle") {
    p.kind = tg::ThreadPriority::Kind::kIdle;
  } else if (info[0].IsNumber()) {
    const double nice = info[0].As<Napi::Number>().DoubleValue();
    if (!(nice >= -20 && nice <= 19) || nice != static_cast<int>(nice))
      throw Napi::RangeError::New(env, "setHelperPriority: expected a nice value in -20..19, got " + std::to_string(nice));
    p = {tg::ThreadPriority::Kind::kNice, static_cast<int32_t>(nice)};
  } else if (!info[0].IsNull()) {
    throw Napi::TypeError::New(env, "setHelperPriority: expected a nice value, 'idle' or null");
  }
  instance(env).ctx.pool.setHelperPriority(p);
}

// fmaPeak(seconds): one core's float32 FMA loop in ~0.3 ms rounds for `seconds`, each
// round's GFLOP/s in run order (tg.measureFmaPeak takes the best, the bench also the median).
Napi::Value FmaPeak(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  requireArgs(info, 1, "fmaPeak");
  const double seconds = numberArg(info, 0, "fmaPeak");
  std::vector<double> rounds;
  Instance& inst = instance(env);
  refuseRecording(env, inst, "fmaPeak");
  runNow(env, inst.ctx, [&](tg::Context& ctx) { rounds = tg::fmaPeakRounds(ctx, seconds); });
  Napi::Float64Array out = Napi::Float64Array::New(env, rounds.size());
  std::copy(rounds.begin(), rounds.end(), out.Data());
  return out;
}

// The recorded kernels of one tg.async operation, run in order on a libuv thread.
class KernelBatch : public Napi::AsyncWorker {
 public:
  KernelBatch(Napi::Env env, Instance& inst, Recording recording)
      : Napi::AsyncWorker(env, "tensorgrad.async"),
        deferred_(Napi::Promise::Deferred::New(env)),
        ctx_(inst.ctx),
        async_(inst.async),
        recording_(std::move(recording)) {}

  Napi::Promise promise() const { return deferred_.Promise(); }

  void Execute() override {
    {
      std::lock_guard<std::mutex> lk(async_->mu);
      if (async_->closing) {
        error_ = "tg.async: the environment is shutting down";
        return;
      }
      ++async_->running;
    }
    try {
      for (auto& kernel : recording_.kernels) kernel(ctx_);
    } catch (const tg::Error& e) {
      error_ = e.what();
    } catch (const std::bad_alloc&) {
      error_ = "out of memory";
    }
    std::lock_guard<std::mutex> lk(async_->mu);
    if (--async_->running == 0) async_->idle.notify_all();
  }

  // Settles the promise. A worker terminated mid-batch can no longer run JS: then the
  // N-API calls fail (node-addon-api throws), and the promise is simply dropped.
  void OnWorkComplete(Napi::Env env, napi_status status) override {
    if (status != napi_cancelled) {
      try {
        Napi::HandleScope scope(env);
        if (error_.empty()) deferred_.Resolve(env.Undefined());
        else deferred_.Reject(Napi::Error::New(env, error_).Value());
      } catch (const Napi::Error&) {
      }
    }
    Destroy();
  }

 private:
  Napi::Promise::Deferred deferred_;
  tg::Context& ctx_;  // valid while Execute runs: the Instance waits for running batches
  std::shared_ptr<AsyncState> async_;
  Recording recording_;  // its references keep the buffers alive until the batch is deleted
  std::string error_;    // set by Execute (N-API's SetError would settle through OnError)
};

// asyncBegin(): the following kernel calls are recorded (see Recording).
void AsyncBegin(const Napi::CallbackInfo& info) {
  Instance& inst = instance(info.Env());
  if (inst.recording) throw Napi::Error::New(info.Env(), "tg.async: operations cannot nest");
  inst.recording = std::make_unique<Recording>();
}

// asyncEnd(run): stops recording; queues the recorded kernels and returns a Promise of
// their completion, or drops them (run false: the operation threw).
Napi::Value AsyncEnd(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Instance& inst = instance(env);
  if (!inst.recording) throw Napi::Error::New(env, "tg.async: asyncEnd without asyncBegin");
  std::unique_ptr<Recording> recording = std::move(inst.recording);
  if (info.Length() < 1 || !info[0].ToBoolean()) return env.Undefined();
  auto* batch = new KernelBatch(env, inst, std::move(*recording));
  Napi::Promise promise = batch->promise();
  batch->Queue();
  return promise;
}

Napi::Object Module(Napi::Env env, Napi::Object exports) {
  env.SetInstanceData(new Instance());
  exports.Set("init", Napi::Function::New(env, Init, "init"));
  exports.Set("unary", Napi::Function::New(env, Unary, "unary"));
  exports.Set("binary", Napi::Function::New(env, Binary, "binary"));
  exports.Set("where", Napi::Function::New(env, Where, "where"));
  exports.Set("copy", Napi::Function::New(env, Copy, "copy"));
  exports.Set("fill", Napi::Function::New(env, Fill, "fill"));
  exports.Set("reduce", Napi::Function::New(env, Reduce, "reduce"));
  exports.Set("matmul", Napi::Function::New(env, Matmul, "matmul"));
  exports.Set("optimStep", Napi::Function::New(env, OptimStep, "optimStep"));
  exports.Set("random", Napi::Function::New(env, Random, "random"));
  exports.Set("run", Napi::Function::New(env, Run, "run"));
  exports.Set("setNumThreads", Napi::Function::New(env, SetNumThreads, "setNumThreads"));
  exports.Set("getNumThreads", Napi::Function::New(env, GetNumThreads, "getNumThreads"));
  exports.Set("adviseHugePages", Napi::Function::New(env, AdviseHugePages, "adviseHugePages"));
  exports.Set("setAllocatorTuning", Napi::Function::New(env, SetAllocatorTuning, "setAllocatorTuning"));
  exports.Set("fmaPeak", Napi::Function::New(env, FmaPeak, "fmaPeak"));
  exports.Set("eventLoopHasIO", Napi::Function::New(env, EventLoopHasIO, "eventLoopHasIO"));
  exports.Set("setThreadIdleScheduling", Napi::Function::New(env, SetThreadIdleScheduling, "setThreadIdleScheduling"));
  exports.Set("setHelperPriority", Napi::Function::New(env, SetHelperPriority, "setHelperPriority"));
  exports.Set("asyncBegin", Napi::Function::New(env, AsyncBegin, "asyncBegin"));
  exports.Set("asyncEnd", Napi::Function::New(env, AsyncEnd, "asyncEnd"));
  return exports;
}

}  // namespace

NODE_API_MODULE(tensorgrad, Module)
