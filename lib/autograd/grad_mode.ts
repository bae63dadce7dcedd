// Whether ops record the autograd graph (PyTorch's GradMode). PyTorch keeps the mode per
// thread; here it is per async context (AsyncLocalStorage), the JS counterpart: the
// mode set by noGrad(async () => ...) or by setGradEnabled holds across that task's
// awaits, and concurrent tasks (say, two request handlers) never see each other's mode.
import { AsyncLocalStorage } from 'async_hooks';
import { checkBool } from '../check';

/** The grad mode of an async context. Ops may flip `enabled` for the duration of a
 * synchronous section (and must restore it before returning): no other context runs in
 * between. What outlives a synchronous section gets a GradState of its own. */
export interface GradState {
  enabled: boolean;
}

const contexts = new AsyncLocalStorage<GradState>();
/** The mode of code outside every noGrad/enableGrad/setGradEnabled. */
const root: GradState = { enabled: true };

/** The grad mode of the running async context. */
export function gradMode(): GradState {
  return contexts.getStore() ?? root;
}

export function isGradEnabled(): boolean {
  return gradMode().enabled;
}

/** Sets the mode for the rest of the running async context and what it starts from now on
 * (its awaits, callbacks and promises), as torch.set_grad_enabled does for a thread. A
 * request handler called per request has a context of its own; but the synchronous start
 * of an async function still runs in its caller's context, which would keep the mode:
 * for a scope, noGrad(async () => ...) is the safe form. */
export function setGradEnabled(enabled: boolean): void {
  contexts.enterWith({ enabled: checkBool('setGradEnabled', 'enabled', enabled) });
}

function withGradMode<T>(op: string, enabled: boolean, fn: () => T): T {
  if (typeof fn !== 'function') throw new TypeError(`${op}: expected a function to run`);
  return contexts.run({ enabled }, fn);
}

/** Runs fn without recording the graph (`with torch.no_grad():`). fn may be async: the
 * mode holds until the promise it returns settles, across its awaits. */
export function noGrad<T>(fn: () => T): T {
  return withGradMode('noGrad', false, fn);
}

/** Runs fn with recording enabled, e.g. inside noGrad (`with torch.enable_grad():`). */
export function enableGrad<T>(fn: () => T): T {
  return withGradMode('enableGrad', true, fn);
}
