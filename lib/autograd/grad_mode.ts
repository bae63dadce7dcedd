// Whether ops record the autograd graph (PyTorch's GradMode). Synchronous, like
// PyTorch's context managers: the mode is restored when fn returns.

import { checkBool } from '../check';

export const gradMode = { enabled: true };

export function isGradEnabled(): boolean {
  return gradMode.enabled;
}

export function setGradEnabled(enabled: boolean): void {
  gradMode.enabled = checkBool('setGradEnabled', 'enabled', enabled);
}

function withGradMode<T>(enabled: boolean, fn: () => T): T {
  if (typeof fn !== 'function') throw new TypeError('noGrad/enableGrad: expected a function to run');
  const prev = gradMode.enabled;
  gradMode.enabled = enabled;
  try {
    return fn();
  } finally {
    gradMode.enabled = prev;
  }
}

/** Runs fn without recording the graph (`with torch.no_grad():`). */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, fn);
}

/** Runs fn with recording enabled, e.g. inside noGrad (`with torch.enable_grad():`). */
export function enableGrad<T>(fn: () => T): T {
  return withGradMode(true, fn);
}
