// tg.data: datasets, the DataLoader and samplers (torch.utils.data).
export { TensorDataset, Subset, randomSplit } from './dataset';
export type { Dataset, BatchDataset } from './dataset';
export { DataLoader, defaultCollate } from './dataloader';
export type { DataLoaderOptions, Collated } from './dataloader';
export { DistributedSampler } from './distributed-sampler';
export type { DistributedSamplerOptions } from './distributed-sampler';
