/**
 * The figure renderer shared by the plot blocks, the CLI and the editor: pure functions from plain
 * data to standalone SVG strings, drawn with D3 on the page's DOM or on linkedom.
 */
export * from './theme.ts';
export * from './frame.ts';
export * from './timeseries.ts';
export * from './eigenvalues.ts';
export * from './histogram.ts';
export * from './pca.ts';
export * from './curve.ts';
