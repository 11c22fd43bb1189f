export * from './eventually.js';
export * from './names.js';
export * from './servers.js';
export * from './test-platform-env.js';
export * from './given.js';
export * from './action-caller.js';
export * from './private-servers.js';
