// Reports the OS scheduling priority (nice value) and policy of the job's thread and of a
// thread it starts: threads.run's `priority` option sets the first, the second inherits it
// (as the native pool's threads do).
import * as fs from 'fs';
import * as os from 'os';
import { Worker } from 'worker_threads';

interface Priority {
  nice: number;
  /** The scheduling policy, field 41 of /proc/thread-self/stat: 0 SCHED_OTHER, 5 SCHED_IDLE. */
  policy: number;
}

const CHILD = `const fs = require('fs');
const stat = fs.readFileSync('/proc/thread-self/stat', 'utf8');
require('worker_threads').parentPort.postMessage({ nice: require('os').getPriority(), policy: Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[38]) });`;

export default async function priority(): Promise<{ job: Priority; child: Priority }> {
  const child = await new Promise<Priority>((resolve, reject) => {
    const w = new Worker(CHILD, { eval: true });
    w.once('message', resolve);
    w.once('error', reject);
  });
  const stat = fs.readFileSync('/proc/thread-self/stat', 'utf8');
  // Fields after the command name (which may hold spaces) start at field 3.
  const policy = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[38]);
  return { job: { nice: os.getPriority(), policy }, child };
}
