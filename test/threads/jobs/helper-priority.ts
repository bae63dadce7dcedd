// Runs one parallel matmul on the job's native threads and reports the priority of the
// pool threads ("tg-pool") that started meanwhile: threads.run's `helperPriority` sets
// it (a pool restarts its helpers when it changes, and keeps them when it does not).
import * as fs from 'fs';
import * as tg from '../../../lib/index';
import { readPriority, type Priority } from './priority';

const poolThreads = (): string[] =>
  fs.readdirSync('/proc/self/task').filter((tid) => fs.readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim() === 'tg-pool');

export default function helperPriority(): Priority[] {
  const before = new Set(poolThreads());
  tg.randn([256, 256]).matmul(tg.randn([256, 256]));
  return poolThreads()
    .filter((tid) => !before.has(tid))
    .map((tid) => readPriority(`/proc/self/task/${tid}/stat`));
}
