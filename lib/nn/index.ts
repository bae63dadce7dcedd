// tg.nn: modules, parameters, losses as modules, and the functional ops (F).
export * as functional from './functional';
export { Module } from './module';
export type { StateDict } from './module';
export { LoadStateDictResult } from './module';
export { Parameter } from './parameter';
export { Linear, Sequential, ReLU, Sigmoid, Tanh, GELU, Softmax, Dropout } from './layers';
export { Hardtanh, Softsign, LogSigmoid, Mish, Hardswish, SELU, CELU, PReLU, ActivationModule } from './activations';
export type { ActivationModuleClass } from './activations';
export type { LinearOptions } from './layers';
export { MSELoss, L1Loss, HuberLoss, SmoothL1Loss, NLLLoss, CrossEntropyLoss, BCELoss, BCEWithLogitsLoss } from './loss';
export type { LossOptions, NLLLossOptions } from './loss';
export * as init from './init';
