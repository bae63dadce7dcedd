// tg.nn: modules, parameters, losses as modules, and the functional ops (F).
export * as functional from './functional';
export { Module } from './module';
export type { StateDict } from './module';
export { LoadStateDictResult } from './module';
export { Parameter } from './parameter';
export { Linear, Sequential, ReLU, Sigmoid, Tanh, GELU, Softmax, Dropout } from './layers';
export type { LinearOptions } from './layers';
export { MSELoss, L1Loss, HuberLoss, SmoothL1Loss, NLLLoss, CrossEntropyLoss, BCELoss, BCEWithLogitsLoss } from './loss';
export type { LossOptions, NLLLossOptions } from './loss';
export * as init from './init';
export { Conv1d, Conv2d, ConvTranspose2d, MaxPool1d, MaxPool2d, AvgPool1d, AvgPool2d, AdaptiveAvgPool2d, AdaptiveMaxPool2d } from './convLayers';
export type { ConvModuleOptions, MaxPoolModuleOptions, AvgPoolModuleOptions, ConvArgs, PoolArgs } from './convLayers';
export { Flatten, Unflatten, Identity, ModuleList, ModuleDict, ParameterList } from './containers';
