// A TypeDoc plugin (npm run docs): the tg.* functions made from op specs get the JSDoc of
// their public signature. An op's documentation lives once, on its member of a `...Fns`
// interface (ElementwiseFns, ReductionFns; see CONTRIBUTING.md). The Tensor methods carry
// it already (Tensor extends MethodsFor<...Fns>, a mapped type that keeps the members'
// declarations), but the functions are destructured from the specs
// (`export const { neg, abs, ... } = functionsOf(...)`), and a declaration file keeps no
// comment per destructured name. So a top-level variable without a comment takes the
// comment of the `...Fns` member of its name (or of a name it is re-exported as: tg.var
// is `variance`). Anything still undocumented is left for TypeDoc's notDocumented check.
import ts from 'typescript';
import { Converter, ReflectionKind } from 'typedoc';

/** The documented members of every interface named `...Fns` in the program, by name. */
function specSignatures(program) {
  const members = new Map();
  for (const file of program.getSourceFiles()) {
    if (file.isDeclarationFile && file.fileName.includes('/node_modules/')) continue;
    ts.forEachChild(file, function visit(node) {
      if (ts.isInterfaceDeclaration(node) && node.name.text.endsWith('Fns')) {
        for (const m of node.members) if (m.name && ts.isIdentifier(m.name)) members.set(m.name.text, m);
      } else if (ts.isModuleDeclaration(node) || ts.isModuleBlock(node)) {
        ts.forEachChild(node, visit);
      }
    });
  }
  return members;
}

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    const program = context.programs[0];
    context.setActiveProgram(program);
    const members = specSignatures(program);
    const project = context.project;
    const aliases = new Map(); // reflection -> the names it is re-exported as
    for (const ref of project.getReflectionsByKind(ReflectionKind.Reference)) {
      const target = ref.getTargetReflection();
      aliases.set(target, [...(aliases.get(target) ?? []), ref.name]);
    }
    for (const variable of project.getReflectionsByKind(ReflectionKind.Variable)) {
      if (variable.comment || variable.parent !== project) continue;
      const member = [variable.name, ...(aliases.get(variable) ?? [])].map((n) => members.get(n)).find(Boolean);
      if (member) variable.comment = context.getNodeComment(member, false);
    }
    context.setActiveProgram(undefined);
  });
}
