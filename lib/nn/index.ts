// tg.nn: functional ops (F) now; modules, init and losses as modules build on them.
export * as functional from './functional';
export * as init from './init';
