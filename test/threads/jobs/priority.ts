// Reports the OS scheduling priority (nice value) of the job's thread and of a thread it
// starts: threads.run's `priority` option sets the first, the second inherits it (as the
// native pool's threads do).
import * as os from 'os';
import { Worker } from 'worker_threads';

export default async function priority(): Promise<{ job: number; child: number }> {
  const child = await new Promise<number>((resolve, reject) => {
    const w = new Worker("require('worker_threads').parentPort.postMessage(require('os').getPriority())", { eval: true });
    w.once('message', resolve);
    w.once('error', reject);
  });
  return { job: os.getPriority(), child };
}
