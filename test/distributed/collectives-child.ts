// One rank of test/distributed/collectives.test.ts: runs every collective on inputs made
// from the rank (rank r's element i is r + 2 + i) and prints what it got, as JSON; the
// test derives the expected values by plain arithmetic.
import * as fs from 'fs';
import * as tg from '../../lib';

const d = tg.distributed;
const DTYPES = ['float32', 'float64', 'int32'] as const;
const OPS = Object.values(d.ReduceOp);

async function main(): Promise<void> {
  tg.setNumThreads(1);
  d.initProcessGroup({ timeout: 20000 });
  const rank = d.getRank();
  const n = d.getWorldSize();
  const input = (dtype: (typeof DTYPES)[number], len = 5) => tg.tensor(Array.from({ length: len }, (_, i) => rank + 2 + i), { dtype });
  const out: Record<string, unknown> = { rank, worldSize: n, isInitialized: d.isInitialized(), policies: schedulingPolicies() };
  for (const dtype of DTYPES) {
    for (const op of OPS) {
      const t = input(dtype);
      d.allReduce(t, { op });
      out[`allReduce/${dtype}/${op}`] = t.tolist();
      // The same through a non-contiguous view (a copy goes and comes back) and asyncOp.
      const m = input(dtype, 6).reshape([2, 3]).t();
      const work = d.allReduce(m, { op, asyncOp: true });
      await work.wait();
      out[`allReduceStrided/${dtype}/${op}`] = m.contiguous().reshape([-1]).tolist();
      out[`allReduceStridedDone/${dtype}/${op}`] = work.isCompleted();
      const rsOut = tg.zeros([2], { dtype });
      d.reduceScatter(
        rsOut,
        Array.from({ length: n }, (_, k) => tg.tensor([rank + k, 10 * k + rank + 1], { dtype })),
        { op },
      );
      out[`reduceScatter/${dtype}/${op}`] = rsOut.tolist();
    }
    for (let root = 0; root < n; root++) {
      const t = input(dtype);
      d.broadcast(t, root);
      out[`broadcast/${dtype}/${root}`] = t.tolist();
    }
    const list = Array.from({ length: n }, () => tg.zeros([2, 2], { dtype }));
    d.allGather(list, input(dtype, 4).reshape([2, 2]));
    out[`allGather/${dtype}`] = list.map((t) => t.tolist());
    const gathered = tg.zeros([n, 3], { dtype });
    await d.allGatherIntoTensor(gathered, input(dtype, 3), { asyncOp: true }).wait();
    out[`allGatherIntoTensor/${dtype}`] = gathered.tolist();
    // A ring: send to the next rank, receive from the previous one, both posted at once.
    const received = tg.zeros([3], { dtype });
    const sending = d.isend(input(dtype, 3), (rank + 1) % n, { tag: 7 });
    const receiving = d.irecv(received, (rank + n - 1) % n, { tag: 7 });
    await Promise.all([sending.wait(), receiving.wait()]);
    out[`ring/${dtype}`] = received.tolist();
  }
  // Synchronous send/recv between ranks 0 and 1.
  if (rank === 0) d.send(tg.tensor([1.5, 2.5]), 1);
  if (rank === 1) {
    const t = tg.zeros([2]);
    d.recv(t, 0);
    out.sendRecv = t.tolist();
  }
  d.barrier();
  await d.barrier({ asyncOp: true }).wait();
  d.destroyProcessGroup();
  out.isInitializedAfter = d.isInitialized();
  console.log(JSON.stringify(out));
}

/** The scheduling policy of each of this process's threads (field 41 of /proc/self/task/T/stat),
 * this thread's first. */
function schedulingPolicies(): number[] {
  const policy = (task: string) => Number(fs.readFileSync(`/proc/self/task/${task}/stat`, 'utf8').split(') ').pop()!.split(' ')[41 - 3]);
  const others = fs.readdirSync('/proc/self/task').filter((t) => t !== String(process.pid));
  return [policy(String(process.pid)), ...others.map(policy)];
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
