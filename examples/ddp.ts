// Data-parallel training with DistributedDataParallel: the W5 MLP (784-256-10, ReLU,
// cross-entropy, SGD) on a synthetic 10-class problem, one process per rank, each on its
// share of every epoch (DistributedSampler). Start it with tgrun, which sets RANK,
// WORLD_SIZE, MASTER_ADDR and MASTER_PORT as torchrun does:
//
//   npx tgrun --nproc-per-node 2 --no-node npx tsx examples/ddp.ts   (npm run example:ddp)
//   npx tgrun --nproc-per-node 2 train.js                             (compiled JavaScript)
//
// Rank 0 prints the loss of each epoch averaged over all ranks, and the accuracy.
import * as tg from '../lib';

const EPOCHS = 5;
const SAMPLES = 2048;
const BATCH = 64; // per process: the global batch is BATCH × world size

tg.distributed.initProcessGroup({ backend: 'gloo' });
const rank = tg.distributed.getRank();
const worldSize = tg.distributed.getWorldSize();
tg.setNumThreads(1); // the processes share the machine's cores

// The same synthetic data on every rank: inputs from a fixed seed, labels from a fixed
// random linear "teacher", so that the problem is learnable.
const gen = new tg.Generator().manualSeed(42);
const x = tg.randn([SAMPLES, 784], { generator: gen });
const teacher = tg.randn([784, 10], { generator: gen });
const y = x.matmul(teacher).argmax(1);
const dataset = new tg.data.TensorDataset(x, y);
// numReplicas and rank come from the process group.
const sampler = new tg.data.DistributedSampler(dataset, { shuffle: true, seed: 0 });
const loader = new tg.data.DataLoader(dataset, { batchSize: BATCH, sampler });

// Rank 0's initial parameters reach all ranks when DDP wraps the model.
tg.manualSeed(rank);
const model = new tg.nn.Sequential(new tg.nn.Linear(784, 256), new tg.nn.ReLU(), new tg.nn.Linear(256, 10));
const ddp = new tg.nn.parallel.DistributedDataParallel(model);
const opt = new tg.optim.SGD(ddp.parameters(), { lr: 0.05, momentum: 0.9 });

async function main(): Promise<void> {
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    sampler.setEpoch(epoch); // a new shuffle each epoch, the same on all ranks
    const totals = tg.zeros([3], { dtype: 'float64' }); // loss sum, correct, samples
    for await (const [xb, yb] of loader) {
      opt.zeroGrad();
      const logits = ddp.forward(xb) as tg.Tensor;
      const loss = tg.nn.functional.crossEntropy(logits, yb);
      loss.backward(); // gradients are averaged over the ranks during backward
      opt.step();
      const n = yb.shape[0];
      totals.add_(tg.tensor([loss.item() * n, logits.argmax(1).eq(yb).sum().item(), n], { dtype: 'float64' }));
    }
    tg.distributed.allReduce(totals); // the epoch over all ranks
    const [lossSum, correct, seen] = totals.tolist() as number[];
    if (rank === 0) console.log(`epoch ${epoch}: loss ${(lossSum / seen).toFixed(4)}, accuracy ${((100 * correct) / seen).toFixed(1)}% (${worldSize} processes)`);
  }
  tg.distributed.destroyProcessGroup();
}

void main();
