/** The science port types. */
export * from './dataset.ts';
export * from './model.ts';
export * from './history.ts';
export * from './trajectories.ts';
export * from './analysis.ts';
export * from './figure.ts';
