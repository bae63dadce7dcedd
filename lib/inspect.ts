// Node's util.inspect.custom is the registered symbol 'nodejs.util.inspect.custom'
// (documented). Spelled here so the published declarations do not import 'util', which
// would make every user install @types/node.
export const inspectCustom: unique symbol = Symbol.for('nodejs.util.inspect.custom');
