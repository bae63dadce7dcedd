// Reports the OS scheduling priority (nice value) and policy of the job's thread and of a
// thread it starts: threads.run's `priority` option sets the first, the second inherits it
// (as the native pool's threads do).
import * as fs from 'fs';
import { Worker } from 'worker_threads';

export interface Priority {
  nice: number;
  /** The scheduling policy: 0 SCHED_OTHER, 5 SCHED_IDLE. */
  policy: number;
}

/** A thread's priority from its /proc stat file: fields 19 (nice) and 41 (policy). */
export function readPriority(statFile: string): Priority {
  return parseStat(fs.readFileSync(statFile, 'utf8'));
}

function parseStat(stat: string): Priority {
  // Fields after the command name (which may hold spaces) start at field 3.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { nice: Number(fields[16]), policy: Number(fields[38]) };
}

const CHILD = `require('worker_threads').parentPort.postMessage(require('fs').readFileSync('/proc/thread-self/stat', 'utf8'));`;

export default async function priority(): Promise<{ job: Priority; child: Priority }> {
  const child = await new Promise<Priority>((resolve, reject) => {
    const w = new Worker(CHILD, { eval: true });
    w.once('message', (stat: string) => resolve(parseStat(stat)));
    w.once('error', reject);
  });
  return { job: readPriority('/proc/thread-self/stat'), child };
}
