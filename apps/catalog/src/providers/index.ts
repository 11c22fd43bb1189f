export * from './instance-provider.js';
export { LocalInstanceProvider, assertRoot, type LocalInstanceProviderOptions } from './local/local-instance-provider.js';
export { sweepLeftovers, type SweepOptions } from './local/sweep.js';
export { dockerRootOf, stateDirOf } from './local/instance-state.js';
