// Trains the MLP of ./mlp: on the shared weights it is given, or on its own seeded model.
// Reports every step and stops when cancelled (ctx.progress throws then).
import * as tg from '../../../lib/index';
import { makeModel, train } from './mlp';

export interface TrainInput {
  seed: number;
  steps: number;
  weights?: tg.nn.StateDict;
  /** Sleep this long after each step (so that a test can cancel mid-run). */
  stepDelayMs?: number;
}

export default async function trainJob(input: TrainInput, ctx: tg.threads.JobContext): Promise<{ losses: number[]; numThreads: number }> {
  const model = makeModel(input.seed);
  if (input.weights) model.loadStateDict(input.weights, { assign: true });
  let steps = 0;
  const losses = train(model, input.seed, input.steps, (step, loss) => {
    ctx.progress({ step, loss });
    steps = step;
    if (input.stepDelayMs) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, input.stepDelayMs);
  });
  return { losses: losses.slice(0, steps), numThreads: tg.getNumThreads() };
}
