// Writes into the shared tensor it receives: w[i] = i * scale (the main thread reads it).
import * as tg from '../../../lib/index';

export default async function write(input: { w: tg.Tensor; scale: number }): Promise<{ sum: number }> {
  const { w, scale } = input;
  tg.noGrad(() => w.copy_(tg.arange(w.numel()).reshape(w.shape).mul(scale)));
  return { sum: w.sum().item() };
}
