// What tg.threads.run (lib/threads/run.ts) and its worker (lib/threads/worker.ts) say to
// each other, and the types a job module sees.

/** The members of an AbortSignal that tensorgrad reads and offers, spelled out so the
 * published declarations need neither @types/node nor the DOM lib; any AbortSignal fits. */
export interface AbortSignalLike {
  /** Whether the signal has aborted. */
  readonly aborted: boolean;
  /** Why it aborted (the value passed to abort()). */
  readonly reason: unknown;
  /** Throws the reason if the signal has aborted. */
  throwIfAborted(): void;
  /** Calls `listener` when the signal aborts. */
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  /** Removes a listener added by addEventListener. */
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** A WHATWG URL (`new URL(...)`), by the members tensorgrad reads (see AbortSignalLike). */
export interface URLLike {
  /** The whole URL. */
  readonly href: string;
  /** The scheme with its colon, e.g. 'file:'. */
  readonly protocol: string;
}

/** What a job reports through ctx.progress(); the caller's onProgress also gets elapsedMs. */
export interface ProgressReport {
  /** The job's step count. */
  step: number;
  /** The loss at that step, if the job reports one. */
  loss?: number;
  [key: string]: unknown;
}

/** A progress report as the caller's onProgress receives it. */
export interface JobProgress extends ProgressReport {
  /** Milliseconds since the job function started. */
  elapsedMs: number;
}

/** The second argument of a job function. */
export interface JobContext {
  /** Aborts when the caller's signal does. It is checked at every progress() call and
   * whenever the job awaits, so a synchronous loop should call progress() (or read
   * signal.aborted) once per step. */
  readonly signal: AbortSignalLike;
  /** Sends a report to the caller's onProgress; then, once the job is cancelled, throws
   * the abort reason, which ends a loop that reports every step. */
  progress(report: ProgressReport): void;
  /** The native threads this job may use (tg.setNumThreads was set to it). */
  readonly numThreads: number;
}

/** A job module's one exported (async) function. */
export type JobFunction<I = any, O = any> = (input: I, ctx: JobContext) => O | Promise<O>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** One job for a worker: its first in workerData, later ones in a 'job' message. */
export interface JobData {
  jobUrl: string;
  /** The encoded input (lib/threads/transfer.ts). */
  input: unknown;
  numThreads: number;
  /** RunOptions.helperPriority (null: the job thread's). */
  helperPriority: number | 'idle' | null;
  /** RunOptions.progressIntervalMs. */
  progressIntervalMs: number;
  /** Int32Array[1] over a SharedArrayBuffer: 1 once the caller aborted. */
  abortFlag: SharedArrayBuffer;
}

/** workerData of a job's worker. */
export interface WorkerData {
  /** RunOptions.priority (null: unchanged), the worker's for all its jobs. */
  priority: number | 'idle' | null;
  /** The first job. */
  job: JobData;
}

export type ToMain =
  | { kind: 'progress'; progress: JobProgress }
  | { kind: 'result'; value: unknown }
  | { kind: 'error'; error: { name: string; message: string; stack?: string } };

export type ToWorker = { kind: 'abort' } | { kind: 'job'; job: JobData };
