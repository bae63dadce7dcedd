// Reads the shared tensor it receives, then writes w[i] = i * scale into it (for the main
// thread to read). Returns what it read first.
import * as tg from '../../../lib/index';

export default async function write(input: { w: tg.Tensor; scale: number }): Promise<{ before: number[] }> {
  const { w, scale } = input;
  const before = [...(w.toTypedArray() as Float32Array)];
  tg.noGrad(() => w.copy_(tg.arange(w.numel()).reshape([...w.shape]).mul(scale)));
  return { before };
}
