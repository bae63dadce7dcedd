// A child process for test/io/atomic-save.test.ts: saves checkpoints whose every value
// is the checkpoint's step, so that a torn file can be told from a whole one.
//   tsx save-worker.ts loop <path> <numel>        saves steps 1, 2, 3, ... until killed (or orphaned)
//                                                 (sync and async saves, safetensors and .npy)
//   tsx save-worker.ts once <path> <numel> <step> saves one checkpoint, then reports
import * as tg from '../../lib/index';

function checkpoint(numel: number, step: number): { model: { w: tg.Tensor; b: tg.Tensor }; step: number } {
  return { model: { w: tg.full([numel], step), b: tg.full([3], step, { dtype: 'float64' }) }, step };
}

async function main(): Promise<void> {
  const [mode, path, numel, step] = process.argv.slice(2);
  if (mode === 'once') {
    tg.save(checkpoint(Number(numel), Number(step)), path);
    console.log('saved');
    return;
  }
  console.log('ready');
  // The test kills this loop; should the test die first, the loop ends by itself.
  const parent = process.ppid;
  const deadline = Date.now() + 120_000;
  for (let s = 1; process.ppid === parent && Date.now() < deadline; ++s) {
    const c = checkpoint(Number(numel), s);
    if (s % 2) tg.save(c, path);
    else await tg.saveAsync(c, path);
    if (s % 3 === 0) await tg.saveNpyAsync(c.model.w, `${path}.npy`);
    else tg.saveNpy(c.model.w, `${path}.npy`);
  }
}

void main();
