// tg.threads: jobs in worker threads, tensors across threads.
export { run, setThreadBudget, getThreadBudget, stats } from './run';
export type { RunOptions, JobInput, JobResult } from './run';
export type { AbortSignalLike, JobContext, JobFunction, JobProgress, ProgressReport, URLLike } from './protocol';
export { encode, decode } from './transfer';
export type { TensorMessage } from './transfer';
