/** The runtime, as operators composed by `execute`. */
export * from './events.ts';
export * from './cache.ts';
export * from './plan.ts';
export * from './from-block-run.ts';
export { errorMessage, runNode, skipOnUpstreamFailure, summarize, type Outcome, type RunScope } from './node-run.ts';
export * from './execute.ts';
