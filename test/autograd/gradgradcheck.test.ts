// Second derivatives (backward with createGraph, differentiated again) against finite
// differences of the gradient: every case once, a representative set in every layout.
import { describe, test } from 'vitest';
import { caseRows, expectGradgradcheck } from '../helpers/gradcheck';
import { GROUPS, gradCase } from '../helpers/gradcases';

const REPRESENTATIVE = [
  'mul broadcast', 'div broadcast', 'pow tensor', 'pow -1.5', 'pow number base', 'exp', 'log', 'tanh', 'sigmoid',
  'matmul broadcast batch', 'matmul 1-D @ 3-D', 'sum dims keepdim', 'mean dim', 'softmax 3-d middle dim', 'logSoftmax',
  'mseLoss mean', 'crossEntropy mean', 'crossEntropy labelSmoothing sum', 'crossEntropy weight ignoreIndex mean',
  'sort values', 'topk', 'cumsum', 'cumprod', 'cumprod with zeros', 'einsum bilinear', 'einsum diagonal', 'flip', 'roll', 'repeat',
  'triu batched diagonal 1', 'split sizes', 'diff prepend append', 'lerp tensor weight', 'logaddexp', 'clamp tensor bounds', 'mish',
  'prelu channel weights', 'normalize', 'cdist batched broadcast', 'cdist p 3', 'pad reflect 2-d', 'pad constant negative crops',
].map(gradCase);

describe('gradgradcheck in every layout', () => {
  test.each(caseRows(REPRESENTATIVE))('%s', (_label, c, layout) => expectGradgradcheck(c, layout));
});

describe.each(GROUPS)('gradgradcheck: %s', (_group, cases) => {
  test.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => expectGradgradcheck(c, 'contiguous'));
});
