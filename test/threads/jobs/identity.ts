// Reports which worker thread ran it and how many jobs this module has run there: a
// kept-alive worker keeps its modules (and their state) for the next job.
import { threadId } from 'worker_threads';

let jobs = 0;

export default async function identity(): Promise<{ threadId: number; jobs: number }> {
  return { threadId, jobs: ++jobs };
}
