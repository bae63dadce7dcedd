// LR schedulers against their closed forms (PyTorch documents each as one; its
// implementation is the chainable form, which must agree).
import { describe, expect, test } from 'vitest';
import * as tg from '../../lib/index';

const { nn, optim } = tg;
const { StepLR, ExponentialLR, CosineAnnealingLR } = optim.lrScheduler;

function sgd(lr = 0.1): tg.optim.SGD {
  return new optim.SGD([new nn.Parameter(tg.ones(1))], { lr });
}

/** The lr each epoch 0..n-1 (read before each scheduler.step()). */
function lrs(opt: tg.optim.Optimizer<tg.optim.BaseOptions>, sched: tg.optim.lrScheduler.LRScheduler, n: number): number[] {
  const out: number[] = [];
  for (let e = 0; e < n; ++e) {
    out.push(opt.paramGroups[0].lr);
    expect(sched.getLastLr()).toEqual([opt.paramGroups[0].lr]);
    sched.step();
  }
  return out;
}

describe('schedules', () => {
  test('StepLR: lr · gamma^floor(epoch / stepSize)', () => {
    const opt = sgd(0.1);
    const got = lrs(opt, new StepLR(opt, 3, { gamma: 0.5 }), 10);
    got.forEach((lr, e) => expect(lr).toBeCloseTo(0.1 * 0.5 ** Math.floor(e / 3), 15));
  });

  test('ExponentialLR: lr · gamma^epoch', () => {
    const opt = sgd(0.2);
    lrs(opt, new ExponentialLR(opt, 0.9), 12).forEach((lr, e) => expect(lr).toBeCloseTo(0.2 * 0.9 ** e, 15));
  });

  test('CosineAnnealingLR: etaMin + (lr - etaMin)(1 + cos(π epoch / tMax)) / 2, also past tMax', () => {
    const opt = sgd(0.1);
    const got = lrs(opt, new CosineAnnealingLR(opt, 5, { etaMin: 0.01 }), 16);
    got.forEach((lr, e) => expect(lr).toBeCloseTo(0.01 + (0.09 * (1 + Math.cos((Math.PI * e) / 5))) / 2, 12));
    expect(got[5]).toBeCloseTo(0.01, 12);
    expect(got[10]).toBeCloseTo(0.1, 12);
  });

  test('each group follows the schedule from its own lr', () => {
    const opt = new optim.SGD([{ params: [new nn.Parameter(tg.ones(1))] }, { params: [new nn.Parameter(tg.ones(1))], lr: 1 }], { lr: 0.1 });
    const sched = new ExponentialLR(opt, 0.5);
    sched.step();
    sched.step();
    expect(sched.getLastLr()).toEqual([0.025, 0.25]);
    expect(sched.baseLrs).toEqual([0.1, 1]);
  });

  test('schedulers chain: two on one optimizer multiply their factors', () => {
    const opt = sgd(1);
    const a = new StepLR(opt, 2, { gamma: 0.1 });
    const b = new ExponentialLR(opt, 0.5);
    for (let e = 1; e <= 4; ++e) {
      a.step();
      b.step();
      expect(opt.paramGroups[0].lr).toBeCloseTo(0.1 ** Math.floor(e / 2) * 0.5 ** e, 15);
    }
  });
});

describe('state', () => {
  test('a scheduler restored from stateDict continues the schedule', () => {
    const opt = sgd(0.1);
    const sched = new CosineAnnealingLR(opt, 8);
    for (let e = 0; e < 3; ++e) sched.step();
    const saved = sched.stateDict();
    const after = lrs(opt, sched, 4);

    const opt2 = sgd(0.1);
    const sched2 = new CosineAnnealingLR(opt2, 8);
    sched2.loadStateDict(saved);
    opt2.paramGroups[0].lr = (saved.lastLr as number[])[0];
    expect(lrs(opt2, sched2, 4)).toEqual(after);
    expect(() => sched2.loadStateDict({ gama: 0.1 })).toThrow('CosineAnnealingLR.loadStateDict: unexpected key "gama"');
  });

  test('resuming at lastEpoch needs initialLr in the groups', () => {
    expect(() => new StepLR(sgd(), 2, { lastEpoch: 4 })).toThrow(
      "StepLR: param 'initialLr' is not specified in paramGroups[0] when resuming an optimizer",
    );
    const opt = sgd(0.1);
    opt.paramGroups[0].initialLr = 0.1;
    // closed form at epoch 5 of tMax 10: lr = 0.1 (1 + cos(π/2)) / 2
    expect(new CosineAnnealingLR(opt, 10, { lastEpoch: 4 }).getLastLr()[0]).toBeCloseTo(0.05, 15);
  });

  test('arguments are checked', () => {
    expect(() => new StepLR(sgd(), 0)).toThrow('StepLR: invalid stepSize: 0 (expected a positive integer)');
    expect(() => new CosineAnnealingLR(sgd(), 2.5)).toThrow('CosineAnnealingLR: invalid tMax: 2.5 (expected a positive integer)');
  });
});
