// Starts long tg.async matmuls and returns without awaiting them: the worker is
// terminated while they run (its teardown must wait for them, not crash).
import * as tg from '../../../lib/index';

export default async function leftover(): Promise<string> {
  const a = tg.randn(1024, 1024);
  for (let i = 0; i < 3; ++i) void tg.async.matmul(a, a);
  return 'started';
}
