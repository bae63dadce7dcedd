// Whether ops record the autograd graph (PyTorch's GradMode). PyTorch keeps the mode per
// thread; here it is per async context (AsyncLocalStorage), the JS counterpart: the
// mode set by noGrad(async () => ...) or by setGradEnabled holds across that task's
// awaits, and concurrent tasks (say, two request handlers) never see each other's mode.
import { AsyncLocalStorage } from 'async_hooks';
import { checkBool } from '../check';
import { warnOnce } from '../warnings';

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

/** Whether ops are recorded for autograd in the current context (torch.is_grad_enabled). */
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

const AsyncFunction = (async () => {}).constructor;

// An AsyncLocalStorage in use turns on async hooks, which on Node 20 make every await in
// the process several times slower (60 -> 400 ns). So it is switched on only by what
// needs it (an async fn here, setGradEnabled); a synchronous fn, the common case (an
// optimizer step, an evaluation), flips the running context's mode in place: nothing
// else runs before it is restored.
function withGradMode<T>(op: string, enabled: boolean, fn: () => T): T {
  if (typeof fn !== 'function') throw new TypeError(`${op}: expected a function to run`);
  const store = contexts.getStore();
  if (fn instanceof AsyncFunction || store !== undefined) return contexts.run({ enabled }, fn);
  const prev = root.enabled;
  root.enabled = enabled;
  try {
    const out = fn();
    if (out !== null && typeof out === 'object' && typeof (out as { then?: unknown }).then === 'function') {
      warnOnce(`${op}: the function returned a promise, but the mode held only until its first await; pass an async function (async () => ...) to keep it until the promise settles`);
    }
    return out;
  } finally {
    root.enabled = prev;
    // setGradEnabled inside fn gave this context a mode of its own: it ends with the scope.
    if (contexts.getStore() !== undefined) contexts.enterWith(undefined as unknown as GradState);
  }
}

/** Runs fn without recording the graph (`with torch.no_grad():`). fn may be an async
 * function: the mode then holds until the promise it returns settles, across its awaits. */
export function noGrad<T>(fn: () => T): T {
  return withGradMode('noGrad', false, fn);
}

/** Runs fn with recording enabled, e.g. inside noGrad (`with torch.enable_grad():`). */
export function enableGrad<T>(fn: () => T): T {
  return withGradMode('enableGrad', true, fn);
}
