// Devices. This build has the CPU only: the Metal (MPS) backend is not built, and asking
// for it is an error rather than a silent fallback.
import { inspectCustom } from './inspect';
import { checkDType, fmtValue } from './check';
import { asDType, DTYPE_CHOICES, type DType } from './dtype';

/** The device kinds this API names: 'cpu', and 'mps' (Metal, not built yet). */
export type DeviceType = 'cpu' | 'mps';

/** Where a tensor's memory lives (torch.device); made by tg.device('cpu'). */
export class Device {
  /** @internal */
  constructor(
    /** The kind of device, 'cpu' here (torch.device.type). */
    readonly type: DeviceType,
    /** The device's index, or null when not given (torch.device.index). */
    readonly index: number | null = null,
  ) {}
  /** 'cpu', or 'cpu:0' with an index (Python's str(device)). */
  toString(): string {
    return this.index === null ? this.type : `${this.type}:${this.index}`;
  }
  /** console.log(x.device) prints `cpu`, as Python's print (str); inside an array or object
   * it prints the repr, device(type='cpu'), as Python prints a list of devices. */
  [inspectCustom](depth: number, options: { depth?: number | null }): string {
    if (depth === options.depth) return this.toString();
    return this.index === null ? `device(type='${this.type}')` : `device(type='${this.type}', index=${this.index})`;
  }
}

export const cpu = new Device('cpu');

/** Which optional backends this build has (torch.backends). */
export const backends = {
  /** The Metal backend of Apple GPUs (torch.backends.mps): not built in this version. */
  mps: {
    /** Whether this build of tensorgrad includes the Metal backend. */
    isBuilt: (): boolean => false,
    /** Whether the Metal backend can be used on this machine. */
    isAvailable: (): boolean => false,
  },
};

/** Whether a string names one of PyTorch's common device types ('cpu', 'mps', 'cuda:1'),
 * supported here or not: tensor.to('cuda') is a device error, tensor.to('int64') is not. */
export function isDeviceSpec(spec: string): boolean {
  return /^(cpu|mps|cuda|xpu|meta)(:\d+)?$/.test(spec.trim());
}

/** tg.device('cpu') (torch.device); 'mps' is an error unless the Metal backend is built and available. */
export function device(spec: string | Device): Device {
  if (spec instanceof Device) return toDevice(spec);
  if (typeof spec !== 'string') throw new TypeError(`device: expected a string such as 'cpu', got ${typeof spec}`);
  const m = /^(\w+)(?::(\d+))?$/.exec(spec.trim());
  const type = m?.[1];
  if (type === 'cpu') return m![2] === undefined ? cpu : new Device('cpu', Number(m![2]));
  if (type === 'mps') return toDevice(new Device('mps'));
  throw unknownDevice('device', spec);
}

function unknownDevice(op: string, spec: string): Error {
  return new Error(`${op}: unknown or unsupported device '${spec}' (tensorgrad supports 'cpu' and, on macOS builds, 'mps')`);
}

/** Checks that tensors can live on `spec`; only the CPU can here. */
export function toDevice(spec: string | Device): Device {
  const d = typeof spec === 'string' ? device(spec) : spec;
  if (d.type === 'mps') {
    throw new Error(
      backends.mps.isBuilt()
        ? "device 'mps': the MPS backend is not available on this machine (check tg.backends.mps.isAvailable())"
        : "device 'mps': this build of tensorgrad does not include the MPS (Metal) backend; it is only built on macOS. " +
            "Use 'cpu', e.g. tg.backends.mps.isAvailable() ? 'mps' : 'cpu'.",
    );
  }
  return d;
}

/** A `device` argument or option of `op` (creation functions, to()): a string or a
 * Device naming a device tensors can live on here; anything else is an error naming op. */
export function checkDevice(op: string, spec: unknown): Device {
  if (spec instanceof Device) return withOp(op, () => toDevice(spec));
  if (typeof spec !== 'string') throw new TypeError(`${op}: device must be a string such as 'cpu' or a tg.Device, got ${fmtValue(spec)}`);
  if (!isDeviceSpec(spec)) throw unknownDevice(op, spec);
  return withOp(op, () => toDevice(spec));
}

function withOp<T>(op: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw new Error(`${op}: ${(e as Error).message.replace(/^device: /, '')}`);
  }
}

/** What x.to(...) and module.to(...) are asked for: a dtype, a device, or {dtype, device}.
 * The device is checked (the CPU is the only one here); returns the dtype, if any. */
export function toTarget(op: string, target: unknown): DType | undefined {
  const asked = asDType(target);
  if (asked !== undefined) return asked;
  if (typeof target === 'string' && !isDeviceSpec(target)) {
    throw new TypeError(`${op}: unknown dtype or device ${fmtValue(target)} (dtypes: ${DTYPE_CHOICES}; devices: 'cpu', 'mps')`);
  }
  if (typeof target === 'string' || target instanceof Device) {
    checkDevice(op, target);
    return undefined;
  }
  if (target === null || typeof target !== 'object') {
    throw new TypeError(`${op}: expected a dtype, a device or {dtype, device}, got ${fmtValue(target)}`);
  }
  const { dtype, device: d } = target as { dtype?: unknown; device?: unknown };
  if (d !== undefined) checkDevice(op, d);
  return dtype === undefined ? undefined : checkDType(op, dtype);
}
