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
export { BatchNorm1d, BatchNorm2d, LayerNorm, GroupNorm } from './normalization';
export type { BatchNormOptions, LayerNormOptions, GroupNormOptions } from './normalization';
export { Embedding } from './sparse';
export type { EmbeddingOptions } from './sparse';
export { RNN, LSTM, GRU } from './rnn';
export type { RNNOptions, Mode as RNNMode } from './rnn';
export { MultiheadAttention, NonDynamicallyQuantizableLinear, TransformerEncoderLayer, TransformerEncoder } from './transformer';
export type { MultiheadAttentionOptions, MultiheadAttentionForwardOptions, TransformerEncoderLayerOptions } from './transformer';
