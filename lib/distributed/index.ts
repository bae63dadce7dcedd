// tg.distributed: torch.distributed's process group and collectives on Gloo (CPU, TCP;
// Gloo's TCP transport is Linux-only). One process per rank: initProcessGroup meets the
// others through a key-value store that rank 0 hosts on MASTER_ADDR:MASTER_PORT (as
// PyTorch's TCPStore), then every collective works in place on the tensors' memory, on
// the group's own native thread, in call order (every rank must call the same collectives
// in the same order, as in PyTorch). The synchronous form blocks like PyTorch's;
// {asyncOp: true} returns a Work whose wait() is a Promise, so the event loop stays free.
import { Tensor } from '../tensor';
import { fmtShape, fmtValue, opError, opTypeError } from '../check';
import { itemSize } from '../dtype';
import { noGrad } from '../autograd/grad_mode';
import { DIST_DTYPES, distAddon, type NativeProcessGroup, type NativeWork } from './native';

/** The reductions of allReduce and reduceScatter (torch.distributed.ReduceOp). AVG is the
 * sum divided by the world size (int32: truncated toward zero). */
export const ReduceOp = {
  /** The sum over ranks. */
  SUM: 'sum',
  /** The sum divided by the world size (int32: truncated toward zero). */
  AVG: 'avg',
  /** The product over ranks. */
  PRODUCT: 'product',
  /** The smallest value over ranks. */
  MIN: 'min',
  /** The largest value over ranks. */
  MAX: 'max',
} as const;
/** One of ReduceOp's values. */
export type ReduceOpName = (typeof ReduceOp)[keyof typeof ReduceOp];
const REDUCE_OPS: readonly ReduceOpName[] = ['sum', 'avg', 'product', 'min', 'max'];

/** initProcessGroup's options (torch.distributed.init_process_group's, camelCase). */
export interface InitProcessGroupOptions {
  /** 'gloo', the only backend (CPU). */
  backend?: 'gloo';
  /** 'env://' (default: RANK, WORLD_SIZE, MASTER_ADDR and MASTER_PORT from the environment,
   * as tgrun and torchrun set them) or 'tcp://host:port' (the store's address). */
  initMethod?: string;
  /** This process's rank, 0..worldSize-1 (default: RANK). */
  rank?: number;
  /** The number of processes (default: WORLD_SIZE). */
  worldSize?: number;
  /** Milliseconds to wait for the other ranks, at the meeting and in every collective,
   * before failing with an error (default 1800000, PyTorch's 30 minutes). */
  timeout?: number;
}

/** An asynchronous operation's handle (PyTorch's Work): wait() is a Promise of its end. */
export class Work {
  private done = false;
  private after: (() => void) | null;
  /** @internal `after` runs once, on the first wait that sees the operation finished
   * (e.g. writing a non-contiguous tensor's result back). */
  constructor(
    private readonly promise: Promise<void>,
    private readonly waitSyncFn: () => void,
    after: () => void = () => {},
  ) {
    this.after = after;
    // A failure nobody waits for must not end the process as an unhandled rejection.
    promise.then(
      () => (this.done = true),
      () => (this.done = true),
    );
  }
  /** Resolves (to true, as PyTorch's wait returns) when the operation has finished; rejects with its error. */
  async wait(): Promise<true> {
    await this.promise;
    this.finish();
    return true;
  }
  /** Blocks the thread until the operation has finished, as PyTorch's work.wait() does; throws its error. */
  waitSync(): true {
    this.waitSyncFn();
    this.finish();
    return true;
  }
  private finish(): void {
    const after = this.after;
    this.after = null;
    after?.();
  }
  /** Whether the operation has finished (PyTorch's is_completed). */
  isCompleted(): boolean {
    return this.done;
  }
}

interface GroupState {
  native: NativeProcessGroup;
  rank: number;
  worldSize: number;
  onExit: (code: number) => void;
  onUncaught: (err: unknown) => void;
}

let group: GroupState | null = null;

function current(op: string): GroupState {
  if (group === null) throw opError(op, 'the default process group has not been initialized; call tg.distributed.initProcessGroup first');
  return group;
}

function envInt(op: string, name: string): number {
  const text = process.env[name];
  if (text === undefined) throw opError(op, `environment variable ${name} expected, but not set (initMethod 'env://'; tgrun sets it)`);
  const v = Number(text);
  if (!Number.isInteger(v) || v < 0) throw opError(op, `environment variable ${name} must be a non-negative integer, got ${fmtValue(text)}`);
  return v;
}

function parseStoreAddress(op: string, initMethod: string): { host: string; port: number } {
  let host: string;
  let portText: string;
  if (initMethod === 'env://') {
    const addr = process.env.MASTER_ADDR;
    if (addr === undefined) throw opError(op, "environment variable MASTER_ADDR expected, but not set (initMethod 'env://'; tgrun sets it)");
    host = addr;
    portText = String(envInt(op, 'MASTER_PORT'));
  } else {
    const m = /^tcp:\/\/(\[[^\]]+\]|[^:/]+):(\d+)\/?$/.exec(initMethod);
    if (!m) throw opError(op, `initMethod must be 'env://' or 'tcp://host:port', got ${fmtValue(initMethod)}`);
    host = m[1].replace(/^\[|\]$/g, '');
    portText = m[2];
  }
  const port = Number(portText);
  if (!(port >= 1 && port <= 65535)) throw opError(op, `the store's port must be 1..65535, got ${fmtValue(portText)}`);
  return { host, port };
}

/** Joins the default process group (torch.distributed.init_process_group): blocks until
 * all worldSize ranks have met, or throws after `timeout` naming the ranks that did not
 * come. Rank 0 hosts the store on the given address only. */
export function initProcessGroup(options: InitProcessGroupOptions = {}): void {
  const op = 'initProcessGroup';
  if (group !== null) throw opError(op, 'trying to initialize the default process group twice!');
  const backend = options.backend ?? 'gloo';
  if (backend !== 'gloo') throw opError(op, `backend must be 'gloo' (the CPU backend), got ${fmtValue(backend)}`);
  const initMethod = options.initMethod ?? 'env://';
  const rank = options.rank ?? envInt(op, 'RANK');
  const worldSize = options.worldSize ?? envInt(op, 'WORLD_SIZE');
  const timeout = options.timeout ?? 30 * 60 * 1000;
  if (!Number.isInteger(worldSize) || worldSize < 1) throw opError(op, `worldSize must be a positive integer, got ${fmtValue(worldSize)}`);
  if (!Number.isInteger(rank) || rank < 0 || rank >= worldSize) {
    throw opError(op, `rank must be an integer in 0..${worldSize - 1} (worldSize ${worldSize}), got ${fmtValue(rank)}`);
  }
  if (!(Number.isInteger(timeout) && timeout > 0)) throw opError(op, `timeout must be a positive number of milliseconds, got ${fmtValue(timeout)}`);
  const { host, port } = parseStoreAddress(op, initMethod);
  const native = new (distAddon().ProcessGroup)(rank, worldSize, host, port, timeout);
  // Tell the store why this process goes, for the other ranks' errors.
  let uncaught: unknown = null;
  const onUncaught = (err: unknown): void => void (uncaught = err);
  const onExit = (code: number): void => {
    const why = uncaught instanceof Error ? ` after an uncaught ${uncaught.name}: ${uncaught.message}` : '';
    native.leave(`its process exited with code ${code}${why}`);
  };
  process.on('uncaughtExceptionMonitor', onUncaught);
  process.on('exit', onExit);
  group = { native, rank, worldSize, onExit, onUncaught };
}

/** Whether initProcessGroup has run (and destroyProcessGroup not since). */
export function isInitialized(): boolean {
  return group !== null;
}

/** This process's rank in the default group. */
export function getRank(): number {
  return current('getRank').rank;
}

/** The number of processes in the default group. */
export function getWorldSize(): number {
  return current('getWorldSize').worldSize;
}

/** Whether Gloo is usable here (torch.distributed.is_gloo_available): tensorgrad_dist.node loads. */
export function isGlooAvailable(): boolean {
  try {
    distAddon();
    return true;
  } catch {
    return false;
  }
}

/** Leaves the default group (torch.distributed.destroy_process_group): closes the
 * connections and, on rank 0, the store. */
export function destroyProcessGroup(): void {
  const g = current('destroyProcessGroup');
  process.off('exit', g.onExit);
  process.off('uncaughtExceptionMonitor', g.onUncaught);
  group = null;
  g.native.destroy();
}

// ---- tensors -----------------------------------------------------------------------------

/** Options of every collective: asyncOp returns a Work instead of blocking. */
export interface AsyncOptions {
  /** Return a Work at once (PyTorch's async_op) instead of blocking until done. */
  asyncOp?: boolean;
}

/** allReduce's and reduceScatter's options. */
export interface ReduceOptions extends AsyncOptions {
  /** The reduction (default ReduceOp.SUM). */
  op?: ReduceOpName;
}

function checkTensorArg(op: string, t: unknown, name = 'tensor'): Tensor {
  if (!(t instanceof Tensor)) throw opTypeError(op, `${name} must be a Tensor, got ${fmtValue(t)}`);
  if (!(DIST_DTYPES as readonly string[]).includes(t.dtype.name)) {
    throw opTypeError(op, `${name} has dtype ${t.dtype}; collectives take ${DIST_DTYPES.join(', ')}`);
  }
  if (t._storage.lost) throw opError(op, `${name}'s memory was transferred to another thread`);
  return t;
}

function reduceCode(op: string, options: ReduceOptions): number {
  const name = options.op ?? 'sum';
  const code = REDUCE_OPS.indexOf(name);
  if (code < 0) throw opTypeError(op, `op must be one of tg.distributed.ReduceOp (${REDUCE_OPS.join(', ')}), got ${fmtValue(name)}`);
  return code;
}

function dtypeCode(t: Tensor): number {
  return (DIST_DTYPES as readonly string[]).indexOf(t.dtype.name);
}

/** A contiguous tensor's memory and byte offset, as the addon takes them. */
function memoryOf(t: Tensor): [Tensor['_storage']['buffer'], number] {
  return [t._storage.buffer, (t._storage.origin + t._offset) * itemSize(t.dtype)];
}

/** Runs `start` on `target` when contiguous, else on a contiguous copy written back at
 * the end (the only copy a collective makes); the result is a Work or nothing. */
function inPlace(
  target: Tensor,
  options: AsyncOptions,
  start: (t: Tensor, async: boolean) => NativeWork | undefined,
  finish: (t: Tensor) => void = () => {},
): Work | undefined {
  const work = target.isContiguous() ? target : target.contiguous();
  const after = (): void => {
    finish(work);
    if (work !== target) noGrad(() => target.copy_(work));
    target._version.value++;
  };
  const result = start(work, !!options.asyncOp);
  if (result === undefined) {
    after();
    return undefined;
  }
  return new Work(result[0], result[1], after);
}

/** Reduces `tensor` across all ranks, in place, so that every rank holds the result
 * (torch.distributed.all_reduce). float32, float64 or int32, any shape. */
export function allReduce(tensor: Tensor, options: ReduceOptions & { asyncOp: true }): Work;
export function allReduce(tensor: Tensor, options?: ReduceOptions): undefined;
export function allReduce(tensor: Tensor, options: ReduceOptions = {}): Work | undefined {
  const op = 'allReduce';
  const g = current(op);
  checkTensorArg(op, tensor);
  const code = reduceCode(op, options);
  return inPlace(tensor, options, (t, async) => g.native.allReduce(...memoryOf(t), t.numel(), dtypeCode(t), code, async));
}

/** Copies rank `src`'s `tensor` into every other rank's, in place (torch.distributed.broadcast). */
export function broadcast(tensor: Tensor, src: number, options: AsyncOptions & { asyncOp: true }): Work;
export function broadcast(tensor: Tensor, src: number, options?: AsyncOptions): undefined;
export function broadcast(tensor: Tensor, src: number, options: AsyncOptions = {}): Work | undefined {
  const op = 'broadcast';
  const g = current(op);
  checkTensorArg(op, tensor);
  checkRank(op, 'src', src, g);
  return inPlace(tensor, options, (t, async) => g.native.broadcast(...memoryOf(t), t.numel() * itemSize(t.dtype), src, async));
}

function checkRank(op: string, name: string, r: unknown, g: GroupState): number {
  if (typeof r !== 'number' || !Number.isInteger(r) || r < 0 || r >= g.worldSize) {
    throw opTypeError(op, `${name} must be a rank in 0..${g.worldSize - 1}, got ${fmtValue(r)}`);
  }
  return r;
}

function checkSameKind(op: string, what: string, t: Tensor, like: Tensor, numel: number): void {
  if (t.dtype !== like.dtype) throw opTypeError(op, `${what} has dtype ${t.dtype}, tensor has ${like.dtype}`);
  if (t.numel() !== numel) throw opError(op, `${what} has shape ${fmtShape(t._shape)} (${t.numel()} elements), expected ${numel} elements`);
}

/** Gathers every rank's `input` into `output`, in rank order along the first dim
 * (torch.distributed.all_gather_into_tensor): output has worldSize × input's elements. */
export function allGatherIntoTensor(output: Tensor, input: Tensor, options: AsyncOptions & { asyncOp: true }): Work;
export function allGatherIntoTensor(output: Tensor, input: Tensor, options?: AsyncOptions): undefined;
export function allGatherIntoTensor(output: Tensor, input: Tensor, options: AsyncOptions = {}): Work | undefined {
  const op = 'allGatherIntoTensor';
  const g = current(op);
  checkTensorArg(op, output, 'output');
  checkTensorArg(op, input, 'input');
  checkSameKind(op, 'output', output, input, input.numel() * g.worldSize);
  const src = input.isContiguous() ? input : input.contiguous();
  return inPlace(output, options, (t, async) => g.native.allGather(...memoryOf(t), ...memoryOf(src), src.numel() * itemSize(src.dtype), async));
}

/** Gathers every rank's `tensor` into tensorList[rank] on all ranks
 * (torch.distributed.all_gather); tensorList has worldSize tensors of tensor's size. */
export function allGather(tensorList: Tensor[], tensor: Tensor, options: AsyncOptions & { asyncOp: true }): Work;
export function allGather(tensorList: Tensor[], tensor: Tensor, options?: AsyncOptions): undefined;
export function allGather(tensorList: Tensor[], tensor: Tensor, options: AsyncOptions = {}): Work | undefined {
  const op = 'allGather';
  const g = current(op);
  checkTensorArg(op, tensor);
  checkList(op, 'tensorList', tensorList, tensor, g);
  const gathered = Tensor._output([g.worldSize, tensor.numel()], tensor.dtype);
  const scatter = (): void => noGrad(() => tensorList.forEach((t, r) => t.copy_(gathered.select(0, r).reshape(t._shape.slice()))));
  const work = allGatherIntoTensor(gathered, tensor, { asyncOp: true });
  if (!options.asyncOp) {
    work.waitSync();
    scatter();
    return undefined;
  }
  return new Work(work.wait().then(() => {}), () => work.waitSync(), scatter);
}

function checkList(op: string, name: string, list: unknown, like: Tensor, g: GroupState): asserts list is Tensor[] {
  if (!Array.isArray(list) || list.length !== g.worldSize) {
    throw opTypeError(op, `${name} must be an array of worldSize (${g.worldSize}) tensors, got ${fmtValue(list)}`);
  }
  list.forEach((t, i) => {
    checkTensorArg(op, t, `${name}[${i}]`);
    checkSameKind(op, `${name}[${i}]`, t, like, like.numel());
  });
}

/** Reduces inputList[r] across ranks into rank r's `output` (torch.distributed.reduce_scatter;
 * Gloo's halving-doubling algorithm). inputList has worldSize tensors of output's size. */
export function reduceScatter(output: Tensor, inputList: Tensor[], options: ReduceOptions & { asyncOp: true }): Work;
export function reduceScatter(output: Tensor, inputList: Tensor[], options?: ReduceOptions): undefined;
export function reduceScatter(output: Tensor, inputList: Tensor[], options: ReduceOptions = {}): Work | undefined {
  const op = 'reduceScatter';
  const g = current(op);
  checkTensorArg(op, output, 'output');
  checkList(op, 'inputList', inputList, output, g);
  const code = reduceCode(op, options);
  // The algorithm works in place over all chunks: a scratch copy keeps the inputs intact.
  const scratch = Tensor._output([g.worldSize, output.numel()], output.dtype);
  noGrad(() => inputList.forEach((t, r) => scratch.select(0, r).copy_(t.reshape([-1]))));
  const count = output.numel();
  return inPlace(
    output,
    options,
    () => g.native.reduceScatter(...memoryOf(scratch), count, dtypeCode(output), code, !!options.asyncOp),
    (t) => noGrad(() => t.copy_(scratch.select(0, 0).reshape(t._shape.slice()))),
  );
}

/** Point-to-point options: tag matches a send with a recv (default 0). */
export interface PointToPointOptions extends AsyncOptions {
  /** Matches a send with the recv of the same tag. */
  tag?: number;
}

function pointToPoint(op: 'send' | 'recv', tensor: Tensor, peer: number, options: PointToPointOptions): Work | undefined {
  const g = current(op);
  checkTensorArg(op, tensor);
  checkRank(op, op === 'send' ? 'dst' : 'src', peer, g);
  if (peer === g.rank) throw opError(op, `rank ${peer} is this process's own rank`);
  const tag = options.tag ?? 0;
  if (!Number.isInteger(tag) || tag < 0 || tag > 0xffffffff) throw opTypeError(op, `tag must be an integer in 0..2^32-1, got ${fmtValue(tag)}`);
  return inPlace(tensor, options, (t, async) => g.native[op](...memoryOf(t), t.numel() * itemSize(t.dtype), peer, tag, async));
}

/** Sends `tensor` to rank `dst` (torch.distributed.send; asyncOp: isend). */
export function send(tensor: Tensor, dst: number, options: PointToPointOptions & { asyncOp: true }): Work;
export function send(tensor: Tensor, dst: number, options?: PointToPointOptions): undefined;
export function send(tensor: Tensor, dst: number, options: PointToPointOptions = {}): Work | undefined {
  return pointToPoint('send', tensor, dst, options);
}

/** Receives into `tensor` from rank `src` (torch.distributed.recv; asyncOp: irecv). */
export function recv(tensor: Tensor, src: number, options: PointToPointOptions & { asyncOp: true }): Work;
export function recv(tensor: Tensor, src: number, options?: PointToPointOptions): undefined;
export function recv(tensor: Tensor, src: number, options: PointToPointOptions = {}): Work | undefined {
  return pointToPoint('recv', tensor, src, options);
}

/** send with asyncOp (torch.distributed.isend). */
export function isend(tensor: Tensor, dst: number, options: { tag?: number } = {}): Work {
  return send(tensor, dst, { ...options, asyncOp: true });
}

/** recv with asyncOp (torch.distributed.irecv). */
export function irecv(tensor: Tensor, src: number, options: { tag?: number } = {}): Work {
  return recv(tensor, src, { ...options, asyncOp: true });
}

/** Waits until every rank has reached it (torch.distributed.barrier). */
export function barrier(options: AsyncOptions & { asyncOp: true }): Work;
export function barrier(options?: AsyncOptions): undefined;
export function barrier(options: AsyncOptions = {}): Work | undefined {
  const result = current('barrier').native.barrier(!!options.asyncOp);
  return result === undefined ? undefined : new Work(result[0], result[1]);
}
