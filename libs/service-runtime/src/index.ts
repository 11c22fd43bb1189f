export * from './service-runtime.js';
export * from './traced-projection.js';
export * from './read-model.js';
export * from './verify-read-models.js';
