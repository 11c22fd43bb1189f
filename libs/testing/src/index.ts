export * from './eventually.js';
export * from './names.js';
export * from './servers.js';
