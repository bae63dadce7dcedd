// npx tsx bench/worker-reuse.ts [keepAliveMs=10000] [steps=1500]: four training jobs of
// examples/train-server-job.ts in a row through tg.threads.run (no requests), printing
// each job's steps/s (its own clock, from its progress reports) and wall time. With
// keepAliveMs > 0 the jobs after the first run in the first one's worker, compiled code
// and all; with 0 each job starts a fresh worker.
import * as path from 'path';
import * as tg from 'tensorgrad';
import { makeModel } from '../examples/train-server-job';

const keepAliveMs = Number(process.argv[2] ?? 10_000);
const steps = Number(process.argv[3] ?? 1500);

async function main(): Promise<void> {
  const model = makeModel().shareMemory();
  const jobs: string[] = [];
  for (let i = 0; i < 4; ++i) {
    let last = { step: 0, elapsedMs: 1 };
    const start = performance.now();
    await tg.threads.run(path.join(__dirname, '..', 'examples', 'train-server-job.ts'), { weights: model.stateDict(), steps }, {
      keepAliveMs,
      progressIntervalMs: 10,
      onProgress: (p) => (last = p),
    });
    jobs.push(`${((1000 * last.step) / last.elapsedMs).toFixed(0)} steps/s (wall ${(performance.now() - start).toFixed(0)} ms)`);
  }
  console.log(`keepAliveMs ${keepAliveMs}: ${jobs.join(', ')}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
