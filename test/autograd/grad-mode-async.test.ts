// Grad mode per async context (issue 13, item 7): noGrad accepts async functions and
// holds across their awaits; concurrent tasks (request handlers) keep their own modes.
import * as http from 'http';
import type { AddressInfo } from 'net';
import { setTimeout as sleep } from 'timers/promises';
import { describe, expect, test } from 'vitest';
import * as tg from '../../lib/index';

const leaf = (): tg.Tensor => tg.tensor([1, 2], { requiresGrad: true });

describe('grad mode and async code', () => {
  test('noGrad(async () => ...) holds across awaits and ends when the promise settles', async () => {
    const x = leaf();
    const seen: boolean[] = [];
    const result = await tg.noGrad(async () => {
      seen.push(tg.isGradEnabled());
      await sleep(5);
      seen.push(tg.isGradEnabled());
      await Promise.resolve();
      const y = x.mul(2);
      seen.push(y.requiresGrad);
      return y;
    });
    expect(seen).toEqual([false, false, false]);
    expect([result.requiresGrad, result.gradFn]).toEqual([false, null]);
    expect(tg.isGradEnabled()).toBe(true);
    expect(x.mul(2).requiresGrad).toBe(true);
  });

  test('concurrent request handlers keep their own modes: one holding setGradEnabled(false) across an await does not break backward in another', async () => {
    const log: string[] = [];
    const server = http.createServer(async (req, res) => {
      if (req.url === '/infer') {
        tg.setGradEnabled(false);
        await sleep(40); // the training request runs meanwhile
        log.push(`infer after await: ${tg.isGradEnabled()}`);
        const y = leaf().mul(3);
        tg.setGradEnabled(true);
        res.end(JSON.stringify(y.requiresGrad));
      } else {
        await sleep(10); // inside the inference request's disabled window
        log.push(`train: ${tg.isGradEnabled()}`);
        const x = leaf();
        x.mul(x).sum().backward();
        res.end(JSON.stringify(x.grad!.tolist()));
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const get = (path: string): Promise<unknown> => fetch(`http://127.0.0.1:${port}${path}`).then((r) => r.json());
    try {
      const [inferred, grad] = await Promise.all([get('/infer'), sleep(5).then(() => get('/train'))]);
      expect(inferred).toBe(false);
      expect(grad).toEqual([2, 4]); // d/dx sum(x^2) = 2x
      expect(log).toEqual(['train: true', 'infer after await: false']);
    } finally {
      server.close();
    }
  });

  test('many interleaved noGrad and recording tasks each see their own mode at every step', async () => {
    const task = async (i: number): Promise<boolean[]> => {
      const body = async (): Promise<boolean[]> => {
        const seen: boolean[] = [];
        for (let step = 0; step < 5; ++step) {
          await sleep((i * 7 + step * 3) % 5);
          seen.push(leaf().add(1).requiresGrad);
        }
        return seen;
      };
      return i % 2 ? tg.noGrad(body) : body();
    };
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => task(i)));
    results.forEach((seen, i) => expect(seen).toEqual(Array(5).fill(i % 2 === 0)));
  });

  test('setGradEnabled holds across awaits in its own task, not in the task that started it; enableGrad inside an async noGrad; callbacks inherit the mode', async () => {
    const task = (): Promise<boolean> =>
      new Promise((resolve) =>
        setImmediate(async () => {
          tg.setGradEnabled(false);
          await sleep(1);
          resolve(tg.isGradEnabled());
        }),
      );
    expect(await task()).toBe(false);
    expect(tg.isGradEnabled()).toBe(true);
    await tg.noGrad(async () => {
      await sleep(1);
      const y = await tg.enableGrad(async () => {
        await sleep(1);
        return leaf().mul(2);
      });
      expect(y.requiresGrad).toBe(true);
      expect(tg.isGradEnabled()).toBe(false);
      const fromCallback = await new Promise<boolean>((resolve) => setTimeout(() => resolve(tg.isGradEnabled()), 1));
      expect(fromCallback).toBe(false);
    });
  });

  test('a synchronous function that returns a promise gets a warning: only an async function keeps the mode across awaits', async () => {
    const warnings: string[] = [];
    const listener = (w: Error): void => void warnings.push(w.message);
    process.on('warning', listener);
    try {
      const later = (): Promise<boolean> => sleep(1).then(() => tg.isGradEnabled());
      expect(await tg.noGrad(() => later())).toBe(true); // the scope ended when the function returned
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', listener);
    }
    expect(warnings).toEqual([
      'noGrad: the function returned a promise, but the mode held only until its first await; pass an async function (async () => ...) to keep it until the promise settles',
    ]);
  });

  test('setGradEnabled inside a synchronous noGrad ends with it, as in PyTorch', () => {
    tg.noGrad(() => {
      tg.setGradEnabled(true);
      expect(tg.isGradEnabled()).toBe(true);
    });
    expect(tg.isGradEnabled()).toBe(true);
    tg.enableGrad(() => {
      tg.setGradEnabled(false);
      expect(leaf().mul(2).requiresGrad).toBe(false);
    });
    expect(tg.isGradEnabled()).toBe(true);
    expect(leaf().mul(2).requiresGrad).toBe(true);
  });

  test('the synchronous forms are unchanged: the mode is restored on return and on throw', () => {
    expect(tg.noGrad(() => tg.isGradEnabled())).toBe(false);
    expect(() => tg.noGrad(() => { throw new Error('boom'); })).toThrow('boom');
    expect(tg.isGradEnabled()).toBe(true);
    expect(() => tg.noGrad('x' as never)).toThrow('noGrad: expected a function to run');
    expect(() => tg.enableGrad(undefined as never)).toThrow('enableGrad: expected a function to run');
  });
});
