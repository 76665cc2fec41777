/** The science port types. */
export * from './dataset.ts';
export * from './model.ts';
export * from './history.ts';
export * from './trajectories.ts';
export * from './tables.ts';
export * from './spectrum.ts';
export * from './weight-stats.ts';
export * from './pca.ts';
export * from './fixed-points.ts';
export * from './pruning.ts';
export * from './dynamics-class.ts';
export * from './figure.ts';
