// One rank of test/distributed/ddp.test.ts, or (argument "single") the reference: one
// process training the same model on the whole batch. 20 SGD steps on a small MLP with a
// buffer; in DDP mode every rank trains on its share of the batch (rank r: rows
// r·B/n .. (r+1)·B/n), and every 5th step accumulates two half batches, the first under
// noSync. Prints the final parameters and DDP's state dict keys as JSON.
import * as tg from '../../lib';

const STEPS = 20;
const BATCH = 8;

class Shifted extends tg.nn.Module {
  net = new tg.nn.Sequential(new tg.nn.Linear(6, 16), new tg.nn.Tanh(), new tg.nn.Linear(16, 8), new tg.nn.Tanh(), new tg.nn.Linear(8, 2));
  constructor(shift: number) {
    super();
    this.registerBuffer('shift', tg.full([6], shift));
  }
  override forward(x: tg.Tensor): tg.Tensor {
    return this.net.forward(x.add((this as unknown as { shift: tg.Tensor }).shift)) as tg.Tensor;
  }
}

function main(): void {
  tg.setNumThreads(1);
  const single = process.argv[2] === 'single';
  if (!single) tg.distributed.initProcessGroup({ timeout: 30000 });
  const rank = single ? 0 : tg.distributed.getRank();
  const n = single ? 1 : tg.distributed.getWorldSize();
  // Rank 0's model is the reference's; the others start elsewhere (DDP must broadcast).
  tg.manualSeed(rank === 0 ? 0 : 100 + rank);
  const model = new Shifted(rank === 0 ? 0.5 : 7);
  const initial = Array.from((model.net[0] as tg.nn.Linear).weight.contiguous().toTypedArray());
  const ddp = single ? null : new tg.nn.parallel.DistributedDataParallel(model, { bucketCapMb: 0.0002 });
  const net = ddp ?? model;
  const opt = new tg.optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
  const gen = new tg.Generator().manualSeed(1234);
  const mse = new tg.nn.MSELoss();
  let startedDuringBackward = 0;
  for (let step = 0; step < STEPS; step++) {
    const x = tg.randn([BATCH, 6], { generator: gen });
    const y = tg.randn([BATCH, 2], { generator: gen });
    const rows = BATCH / n;
    const xs = x.narrow(0, rank * rows, rows);
    const ys = y.narrow(0, rank * rows, rows);
    opt.zeroGrad();
    if (step % 5 === 4) {
      const half = rows / 2;
      const loss = (a: number) => mse.forward(net.forward(xs.narrow(0, a, half)) as tg.Tensor, ys.narrow(0, a, half)).mul(0.5);
      if (ddp) ddp.noSync(() => loss(0).backward());
      else loss(0).backward();
      loss(half).backward();
    } else {
      mse.forward(net.forward(xs) as tg.Tensor, ys).backward();
    }
    opt.step();
    if (ddp) startedDuringBackward += ddp.lastSyncStats!.bucketsStartedDuringBackward;
  }
  const params = Object.fromEntries(Object.entries(model.stateDict()).map(([k, t]) => [k, Array.from(t.contiguous().toTypedArray())]));
  const out = {
    rank,
    initial,
    params,
    ddpKeys: ddp ? Object.keys(ddp.stateDict()) : [],
    buckets: ddp?.lastSyncStats?.buckets ?? 0,
    startedDuringBackward,
    sameModule: ddp ? ddp.module === model : true,
  };
  if (!single) tg.distributed.destroyProcessGroup();
  console.log(JSON.stringify(out));
}

main();
