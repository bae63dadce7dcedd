// tg.einsum: PyTorch's einsum equations, lowered onto views (diagonal, permute, reshape),
// sums and matmul. Each operand first takes the diagonals of its repeated subscripts and
// sums the subscripts no one else uses; then the operands are contracted left to right,
// each pair as one (batched) matmul: [batch, left, contracted] @ [batch, contracted, right].
// 'bij,bjk->bik' is then exactly a.matmul(b) (no copies). Gradients come from those ops.
import { Tensor } from '../tensor';
import { fmtShape, fmtValue, is, opError, opTypeError, required } from '../check';
import { defineSpec } from './registry';
import { input } from './arith';
import { checkTensor } from './movement';

const OP = 'einsum';
/** An ellipsis dim's label: '.0' is the first of the broadcast dims the ellipsis stands for. */
const ellipsisLabel = (i: number) => `.${i}`;

interface Parsed {
  /** Each operand's subscripts, one label per dim (ellipsis dims get '.k' labels). */
  inputs: string[][];
  output: string[];
}

/** The subscripts of one term: letters and at most one '...'; `null` for the ellipsis. */
function parseTerm(term: string, offset: number, equation: string): (string | null)[] {
  const labels: (string | null)[] = [];
  for (let i = 0; i < term.length; ++i) {
    if (term.startsWith('...', i)) {
      if (labels.includes(null)) throw opError(OP, `found more than one ellipsis ("...") in one term of the equation ${JSON.stringify(equation)}`);
      labels.push(null);
      i += 2;
    } else if (/[a-zA-Z]/.test(term[i])) {
      labels.push(term[i]);
    } else {
      throw opError(OP, `invalid subscript ${JSON.stringify(term[i])} at index ${offset + i} of the equation ${JSON.stringify(equation)}; subscripts must be in [a-zA-Z]`);
    }
  }
  return labels;
}

// Parsed equations by equation and operand ranks: model code calls a few equations many times.
const parsedCache = new Map<string, Parsed>();
const PARSED_CACHE_SIZE = 256;

function parse(equation: string, operands: Tensor[]): Parsed {
  const key = `${equation}|${operands.map((t) => t.ndim).join(',')}`;
  let parsed = parsedCache.get(key);
  if (parsed === undefined) {
    parsed = parseUncached(equation, operands);
    if (parsedCache.size >= PARSED_CACHE_SIZE) parsedCache.clear();
    parsedCache.set(key, parsed);
  }
  return parsed;
}

function parseUncached(equation: string, operands: Tensor[]): Parsed {
  const eq = equation.replace(/\s+/g, '');
  const arrow = eq.indexOf('->');
  if (arrow >= 0 && eq.indexOf('->', arrow + 1) >= 0) throw opError(OP, `the equation ${JSON.stringify(equation)} has more than one "->"`);
  const lhs = arrow >= 0 ? eq.slice(0, arrow) : eq;
  const terms = lhs.split(',');
  if (terms.length !== operands.length) {
    throw opError(
      OP,
      `${terms.length > operands.length ? 'fewer' : 'more'} operands were provided than specified in the equation ` +
        `${JSON.stringify(equation)} (it has ${terms.length} term${terms.length === 1 ? '' : 's'}, got ${operands.length} operand${operands.length === 1 ? '' : 's'})`,
    );
  }
  let offset = 0;
  const raw = terms.map((term) => {
    const labels = parseTerm(term, offset, equation);
    offset += term.length + 1;
    return labels;
  });
  // The ellipsis stands for the dims no letter names, broadcast across operands from the right.
  const ellipsisDims = raw.map((labels, k) => {
    const letters = labels.filter((l) => l !== null).length;
    const hasEllipsis = labels.includes(null);
    const nd = operands[k].ndim;
    if (hasEllipsis ? letters > nd : letters !== nd) {
      throw opError(
        OP,
        `the number of subscripts in the equation (${letters}) ${hasEllipsis ? 'is more than' : 'does not match'} the number of dimensions (${nd}) ` +
          `for operand ${k}${hasEllipsis ? '' : ' and no ellipsis was given'} (equation ${JSON.stringify(equation)}, shape ${fmtShape(operands[k]._shape)})`,
      );
    }
    return hasEllipsis ? nd - letters : 0;
  });
  const maxEllipsis = Math.max(0, ...ellipsisDims);
  const allEllipsis = Array.from({ length: maxEllipsis }, (_, i) => ellipsisLabel(i));
  const inputs = raw.map((labels, k) => labels.flatMap((l) => (l === null ? allEllipsis.slice(maxEllipsis - ellipsisDims[k]) : [l])));
  let output: string[];
  if (arrow >= 0) {
    const outLabels = parseTerm(eq.slice(arrow + 2), arrow + 2, equation);
    output = outLabels.flatMap((l) => (l === null ? allEllipsis : [l]));
    for (const l of outLabels) {
      if (l === null) continue;
      if (!inputs.some((labels) => labels.includes(l))) throw opError(OP, `output subscript ${l} does not appear in the equation for any input operand`);
      if (outLabels.indexOf(l) !== outLabels.lastIndexOf(l)) throw opError(OP, `output subscript ${l} appears more than once in the output`);
    }
  } else {
    // Implicit output: the ellipsis dims, then the letters that appear once, in alphabetical order.
    const counts = new Map<string, number>();
    for (const l of inputs.flat()) counts.set(l, (counts.get(l) ?? 0) + 1);
    const once = [...counts].filter(([l, n]) => n === 1 && !l.startsWith('.')).map(([l]) => l);
    output = [...allEllipsis, ...once.sort()];
  }
  return { inputs, output };
}

// ---- the diagonal of two dims (a view) ------------------------------------------------------

interface Diagonal {
  d1: number;
  d2: number;
  shape: number[];
}

/** x's diagonal over dims d1 < d2 (same size): a view with d2 removed, d1 stepping both. */
const diagonalOp = defineSpec<(x: Tensor, d1: number, d2: number) => Tensor, [Tensor, number, number], Diagonal>({
  name: 'diagonal',
  gradFn: 'DiagonalBackward0',
  params: [input, required('dim1', is.int), required('dim2', is.int)],
  forward: (x, d1, d2) => {
    const strides = x._strides.slice();
    strides[d1] += strides[d2];
    return x._view(
      x._shape.filter((_, i) => i !== d2),
      strides.filter((_, i) => i !== d2),
      x._offset,
    );
  },
  save: (out, x, d1, d2) => ({ d1, d2, shape: x._shape.slice() }),
  // g placed on the diagonal of zeros: g with d2 restored, times an identity over (d1, d2).
  backward: (g, { d1, d2, shape }) => {
    const n = shape[d1];
    const eyeShape = shape.map((s, i) => (i === d1 || i === d2 ? s : 1));
    const eye = Tensor._empty(eyeShape, g.dtype);
    const data = eye.typedArray();
    for (let i = 0; i < n; ++i) data[i * n + i] = 1; // the two non-1 dims are the only ones, in order
    return [g.unsqueeze(d2).mul(eye)];
  },
}).call;

// ---- contraction --------------------------------------------------------------------------

interface Term {
  t: Tensor;
  labels: string[];
}

/** Takes the diagonal of every repeated label of one operand. */
function takeDiagonals(term: Term): Term {
  let { t, labels } = term;
  for (let i = 0; i < labels.length; ++i) {
    let j: number;
    while ((j = labels.indexOf(labels[i], i + 1)) >= 0) {
      t = diagonalOp(t, i, j); // sizes checked in einsumImpl
      labels = labels.filter((_, m) => m !== j);
    }
  }
  return { t, labels };
}

/** Sums the labels of `term` that `keep` does not hold. */
function sumOut(term: Term, keep: (l: string) => boolean): Term {
  const dims = term.labels.map((l, i) => (keep(l) ? -1 : i)).filter((i) => i >= 0);
  if (dims.length === 0) return term;
  return { t: term.t.sum(dims), labels: term.labels.filter((l) => keep(l)) };
}

/** term's tensor with its dims in `order`, each of the given size (size-1 dims broadcast). */
function arranged(term: Term, order: string[], size: Map<string, number>): Tensor {
  const perm = order.map((l) => term.labels.indexOf(l));
  let t = perm.every((p, i) => p === i) ? term.t : term.t.permute(perm);
  if (order.some((l, i) => t._shape[i] !== size.get(l))) t = t.expand(order.map((l) => size.get(l)!));
  return t;
}

const product = (sizes: number[]) => sizes.reduce((a, b) => a * b, 1);

/** Contracts two terms with one matmul; the result keeps the labels `needed` holds. */
function contract(a: Term, b: Term, needed: Set<string>, size: Map<string, number>): Term {
  const inB = new Set(b.labels);
  const batch = a.labels.filter((l) => inB.has(l) && needed.has(l));
  const summed = a.labels.filter((l) => inB.has(l) && !needed.has(l));
  const left = a.labels.filter((l) => !inB.has(l));
  const right = b.labels.filter((l) => !a.labels.includes(l));
  const sizes = (ls: string[]) => ls.map((l) => size.get(l)!);
  const [nb, nl, nc, nr] = [batch, left, summed, right].map((ls) => product(sizes(ls)));
  const lead = batch.length > 0 ? [nb] : [];
  const x = arranged(a, [...batch, ...left, ...summed], size).reshape([...lead, nl, nc]);
  const y = arranged(b, [...batch, ...summed, ...right], size).reshape([...lead, nc, nr]);
  const out = x.matmul(y).reshape(sizes([...batch, ...left, ...right]));
  return { t: out, labels: [...batch, ...left, ...right] };
}

function einsumImpl(equation: unknown, operands: Tensor[]): Tensor {
  if (typeof equation !== 'string') throw opTypeError(OP, `the equation must be a string, got ${fmtValue(equation)}`);
  if (operands.length === 0) throw opError(OP, 'must provide at least one operand');
  const { inputs, output } = parse(equation, operands);
  // Each label's size: equal within an operand (a diagonal), across operands equal or 1 (which broadcasts).
  const size = new Map<string, number>();
  inputs.forEach((labels, k) =>
    labels.forEach((l, i) => {
      const s = operands[k]._shape[i];
      const first = labels.indexOf(l);
      if (first < i && operands[k]._shape[first] !== s) {
        throw opError(OP, `subscript ${l} is repeated for operand ${k} but the sizes don't match, ${s} != ${operands[k]._shape[first]}`);
      }
      const seen = size.get(l);
      if (seen === undefined || seen === 1) size.set(l, s);
      else if (s !== seen && s !== 1) {
        const what = l.startsWith('.') ? `the dims of the ellipsis (${fmtShape(operands[k]._shape)})` : `subscript ${l}`;
        throw opError(OP, `${what} has size ${s} for operand ${k} which does not broadcast with previously seen size ${seen}`);
      }
    }),
  );
  const usedBy = (labels: string[][], l: string) => output.includes(l) || labels.some((ls) => ls.includes(l));
  let terms = inputs.map((labels, k) => takeDiagonals({ t: operands[k], labels }));
  // Sum each operand's labels that appear nowhere else.
  terms = terms.map((term, k) => sumOut(term, (l) => usedBy([...terms.slice(0, k), ...terms.slice(k + 1)].map((x) => x.labels), l)));
  let acc = terms[0];
  for (let k = 1; k < terms.length; ++k) {
    const later = terms.slice(k + 1).map((x) => x.labels);
    const needed = new Set([...acc.labels, ...terms[k].labels].filter((l) => usedBy(later, l)));
    acc = contract(sumOut(acc, (l) => needed.has(l) || terms[k].labels.includes(l)), terms[k], needed, size);
  }
  acc = sumOut(acc, (l) => output.includes(l));
  const perm = output.map((l) => acc.labels.indexOf(l));
  const result = perm.every((p, i) => p === i) ? acc.t : acc.t.permute(perm);
  // Output dims of size-1 labels that broadcast elsewhere take the full size.
  const shape = output.map((l) => size.get(l)!);
  return result._shape.every((s, i) => s === shape[i]) ? result : result.expand(shape).contiguous();
}

/** Einstein summation over the operands (PyTorch's torch.einsum): `equation` names each
 * operand's dims by letters ('bij,bjk->bik'), '...' for broadcast dims; without '->' the
 * output is the letters that appear once, alphabetically. A repeated letter in one operand
 * takes its diagonal ('ii->i'); letters missing from the output are summed. Operands may
 * also be given as one array. Shape: the output letters' sizes. */
export function einsum(equation: string, ...operands: (Tensor | Tensor[])[]): Tensor {
  const list = operands.length === 1 && Array.isArray(operands[0]) ? operands[0] : operands;
  return einsumImpl(equation, (list as unknown[]).map((t, k) => checkTensor(OP, t, `operand ${k}`)));
}
