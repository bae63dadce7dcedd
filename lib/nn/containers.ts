// Shape modules and containers: PyTorch's nn.Flatten, Unflatten, Identity, ModuleList,
// ModuleDict and ParameterList, with PyTorch's arguments, child and parameter names
// ("0", "1", ... or the dict's keys, so state dict keys match) and reprs.
import type { Tensor } from '../tensor';
import { Signature, checkInt, fmtValue, is, opError, opTypeError, optional, required } from '../check';
import { registerClass } from '../ops/registry';
import { Module } from './module';
import { Parameter } from './parameter';

const FLATTEN = new Signature('Flatten', [optional('startDim', is.int, 1, 0), optional('endDim', is.int, -1, 1)]);

/** PyTorch's nn.Flatten(start_dim=1, end_dim=-1): input.flatten(startDim, endDim). */
export class Flatten extends Module {
  /** The first dim flattened (start_dim). */
  readonly startDim: number;
  /** The last dim flattened (end_dim). */
  readonly endDim: number;
  constructor(startDim?: number | { startDim?: number; endDim?: number }, endDim?: number);
  constructor(...args: unknown[]) {
    super();
    [this.startDim, this.endDim] = FLATTEN.bind(args) as [number, number];
  }
  override forward(input: Tensor): Tensor {
    return input.flatten(this.startDim, this.endDim);
  }
  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}

const UNFLATTEN = new Signature('Unflatten', [required('dim', is.int, 1), required('unflattenedSize', is.any, [2, -1])]);

/** PyTorch's nn.Unflatten(dim, unflattened_size): dim `dim` viewed as the sizes given (one may be -1). */
export class Unflatten extends Module {
  /** The dim that is unflattened. */
  readonly dim: number;
  /** The sizes it becomes (unflattened_size; one may be -1). */
  readonly unflattenedSize: number[];
  constructor(dim: number | { dim: number; unflattenedSize: number[] }, unflattenedSize?: number[]);
  constructor(...args: unknown[]) {
    super();
    const [dim, sizes] = UNFLATTEN.bind(args) as [number, unknown];
    if (!Array.isArray(sizes) || sizes.length === 0 || !sizes.every((s) => Number.isInteger(s) && (s >= 0 || s === -1))) {
      throw opTypeError('Unflatten', `unflattenedSize must be a non-empty list of sizes (one may be -1), got ${fmtValue(sizes)}`);
    }
    this.dim = dim;
    this.unflattenedSize = sizes as number[];
  }
  override forward(input: Tensor): Tensor {
    const d = this.dim < 0 ? this.dim + input.ndim : this.dim;
    if (d < 0 || d >= input.ndim) throw opError('Unflatten', `dim ${this.dim} is out of range for an input of ${input.ndim} dims`);
    const shape = input.shape.slice();
    return input.reshape([...shape.slice(0, d), ...this.unflattenedSize, ...shape.slice(d + 1)]);
  }
  override extraRepr(): string {
    const s = this.unflattenedSize;
    return `dim=${this.dim}, unflattened_size=${s.length === 1 ? `(${s[0]},)` : `(${s.join(', ')})`}`;
  }
}

/** PyTorch's nn.Identity(*args, **kwargs): returns its input (arguments are ignored). */
export class Identity extends Module {
  constructor(..._args: unknown[]) {
    super();
  }
  override forward(input: Tensor): Tensor {
    return input;
  }
}

/** A key that would hide a property or method of the container (its own registry is its properties). */
function checkKey(owner: Module, op: string, key: string): void {
  if (key in owner && !Object.prototype.hasOwnProperty.call(owner, key)) {
    throw opError(op, `key ${fmtValue(key)} would hide ${owner.constructor.name}.${key}; choose another name`);
  }
}

/** Children "0", "1", ... in order: what ModuleList and ParameterList share. */
function numbered<T>(owner: Module, get: (k: string) => T | undefined): T[] {
  const out: T[] = [];
  for (let i = 0; ; i++) {
    const v = get(String(i));
    if (v === undefined) return out;
    out.push(v);
  }
}

/** PyTorch's nn.ModuleList(modules=None): modules held in a list, registered as "0", "1", ...
 * (list[i], length, append, extend, insert, iteration). It has no forward. */
export class ModuleList extends Module {
  [index: number]: Module;

  constructor(modules?: Iterable<Module>) {
    super();
    if (modules != null) this.extend(modules);
  }

  /** The number of modules. */
  get length(): number {
    return numbered(this, (k) => (this as unknown as Record<string, Module | undefined>)[k]).length;
  }

  /** Adds a module at the end; returns this. */
  append(module: Module): this {
    this.registerModule(String(this.length), module);
    return this;
  }

  /** Appends each module of `modules`; returns this. */
  extend(modules: Iterable<Module>): this {
    if (modules == null || typeof (modules as Iterable<Module>)[Symbol.iterator] !== 'function') {
      throw opTypeError('ModuleList', `extend should be called with an iterable of modules, got ${fmtValue(modules)}`);
    }
    for (const m of modules) this.append(m);
    return this;
  }

  /** Inserts `module` before position `index` (negative counts from the end). */
  insert(index: number, module: Module): void {
    const items = [...this];
    const n = items.length;
    let i = checkInt('ModuleList.insert', 'index', index);
    i = i < 0 ? Math.max(0, n + i) : Math.min(i, n);
    items.splice(i, 0, module);
    items.forEach((m, k) => this.registerModule(String(k), m));
  }

  /** The modules in order. */
  *[Symbol.iterator](): Iterator<Module> {
    yield* numbered(this, (k) => (this as unknown as Record<string, Module | undefined>)[k]);
  }

  override forward(): never {
    throw opError('ModuleList', 'a ModuleList has no forward(); call its modules in your own forward()');
  }
}

/** PyTorch's nn.ModuleDict(modules=None): modules by name (insertion order), registered
 * under their keys (so state dict keys read "layers.key.weight"). */
export class ModuleDict extends Module {
  constructor(modules?: Record<string, Module> | Iterable<[string, Module]>) {
    super();
    if (modules != null) this.update(modules);
  }

  /** Adds or replaces the module under `key`. */
  set(key: string, module: Module): this {
    checkKey(this, 'ModuleDict', key);
    this.registerModule(key, module);
    return this;
  }

  /** The module under `key` (an error naming the keys if there is none). */
  get(key: string): Module {
    const m = (this as unknown as Record<string, unknown>)[key];
    if (!(m instanceof Module) || !this.has(key)) throw opError('ModuleDict', `no module named ${fmtValue(key)} (keys: ${this.keys().join(', ')})`);
    return m;
  }

  /** Whether a module is registered under `key`. */
  has(key: string): boolean {
    return this.keys().includes(key);
  }

  /** The keys in insertion order. */
  keys(): string[] {
    return this.namedChildren().map(([k]) => k);
  }

  /** The modules in insertion order. */
  values(): Module[] {
    return this.children();
  }

  /** [key, module] pairs in insertion order. */
  items(): [string, Module][] {
    return this.namedChildren();
  }

  /** The number of modules. */
  get length(): number {
    return this.keys().length;
  }

  /** Adds the modules of a record or of [key, module] pairs. */
  update(modules: Record<string, Module> | Iterable<[string, Module]>): this {
    const entries = Symbol.iterator in Object(modules) ? [...(modules as Iterable<[string, Module]>)] : Object.entries(modules);
    for (const [k, m] of entries) this.set(k, m);
    return this;
  }

  override forward(): never {
    throw opError('ModuleDict', 'a ModuleDict has no forward(); call its modules in your own forward()');
  }
}

/** PyTorch's nn.ParameterList(values=None): parameters held in a list, registered as "0",
 * "1", ... (list[i], length, append, extend, iteration). */
export class ParameterList extends Module {
  [index: number]: Parameter;

  constructor(values?: Iterable<Parameter | Tensor>) {
    super();
    if (values != null) this.extend(values);
  }

  /** The number of parameters. */
  get length(): number {
    return [...this].length;
  }

  /** Adds a parameter at the end (a plain tensor becomes a Parameter, as in PyTorch); returns this. */
  append(value: Parameter | Tensor): this {
    this.registerParameter(String(this.length), value instanceof Parameter ? value : new Parameter(value));
    return this;
  }

  /** Appends each of `values`; returns this. */
  extend(values: Iterable<Parameter | Tensor>): this {
    for (const v of values) this.append(v);
    return this;
  }

  /** The parameters in order. */
  *[Symbol.iterator](): Iterator<Parameter> {
    yield* numbered(this, (k) => (this as unknown as Record<string, Parameter | undefined>)[k] ?? undefined);
  }

  override forward(): never {
    throw opError('ParameterList', 'a ParameterList has no forward()');
  }

  override extraRepr(): string {
    return [...this]
      .map((p, i) => `  (${i}): Parameter containing: [${p.dtype} of size ${p.shape.join('x')}]`)
      .join('\n');
  }
}

registerClass('nn.Flatten', 'module', FLATTEN, Flatten);
registerClass('nn.Unflatten', 'module', UNFLATTEN, Unflatten);
