// The training of examples/train-server.ts, shared by its three modes: the 784-256-10
// ReLU MLP, generated data (seeded), batch 128, cross-entropy, SGD. The default export is
// the job that `worker` mode runs in a worker thread (tg.threads.run), on the server's
// shared weights.
import * as tg from 'tensorgrad';
const { nn } = tg;

export const SEED = 0;
const SAMPLES = 8192;
const BATCH = 128;

/** The model, seeded: every mode starts from the same weights. */
export function makeModel(): tg.nn.Sequential {
  tg.manualSeed(SEED);
  return new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 10));
}

/** 8192 generated samples: x ~ N(0, 1), labelled by a fixed random linear teacher. */
export function makeLoader(): tg.data.DataLoader {
  const g = new tg.Generator().manualSeed(SEED + 1);
  const x = tg.randn([SAMPLES, 784], { generator: g });
  const y = x.matmul(tg.randn([784, 10], { generator: g })).argmax(1);
  return new tg.data.DataLoader(new tg.data.TensorDataset(x, y), { batchSize: BATCH, shuffle: true, generator: g });
}

/** The served prediction: the class and probabilities of the model for one input row. */
export function predict(model: tg.nn.Module, input: tg.Tensor): { prediction: number; probabilities: number[] } {
  const probabilities = tg.noGrad(() => (model.forward(input) as tg.Tensor).softmax(1));
  return { prediction: probabilities.argmax(1).item(), probabilities: (probabilities.tolist() as number[][])[0] };
}

export interface TrainOptions {
  steps: number;
  /** Called after every step; may throw to stop (ctx.progress does once cancelled). */
  onStep: (step: number, loss: number) => void;
  signal?: AbortSignal;
  /** `for await` over the loader (yields to the event loop) instead of `for`. */
  yielding: boolean;
}

/** The SGD step on `model`, with its own optimizer: trains on one batch, returns its loss. */
export function makeStep(model: tg.nn.Module): (batch: tg.Tensor[]) => number {
  const optimizer = new tg.optim.SGD(model.parameters(), { lr: 0.05 });
  return ([x, y]) => {
    optimizer.zeroGrad();
    const loss = nn.functional.crossEntropy(model.forward(x) as tg.Tensor, y);
    loss.backward();
    optimizer.step();
    return loss.item();
  };
}

/** Trains `model` in place for `steps` SGD steps (epochs repeat as needed). */
export async function train(model: tg.nn.Module, { steps, onStep, signal, yielding }: TrainOptions): Promise<void> {
  const loader = makeLoader();
  const sgdStep = makeStep(model);
  let step = 0;
  const trainStep = (batch: tg.Tensor[]): boolean => {
    onStep(++step, sgdStep(batch));
    return step < steps && !signal?.aborted;
  };
  while (step < steps && !signal?.aborted) {
    if (yielding) {
      for await (const batch of loader) if (!trainStep(batch)) break;
    } else {
      for (const batch of loader) if (!trainStep(batch)) break;
    }
  }
}

export interface JobInput {
  weights: tg.nn.StateDict;
  steps: number;
}

/** Worker mode: trains the shared weights, reporting every step (which is also where a
 * cancellation stops it). */
export default async function trainJob({ weights, steps }: JobInput, ctx: tg.threads.JobContext): Promise<void> {
  const model = makeModel();
  model.loadStateDict(weights, { assign: true });
  await train(model, { steps, yielding: false, onStep: (step, loss) => ctx.progress({ step, loss }) });
}
