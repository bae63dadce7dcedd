// tg.data: datasets and the DataLoader (torch.utils.data).
export { TensorDataset, Subset, randomSplit } from './dataset';
export type { Dataset, BatchDataset } from './dataset';
export { DataLoader, defaultCollate } from './dataloader';
export type { DataLoaderOptions, Collated } from './dataloader';
