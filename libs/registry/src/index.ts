export { seedImage, SEED_REPOSITORY, type SeedImageOptions } from './seed-image.js';
export { pushImage, type PushedImage } from './push-image.js';
export { startRegistry, REGISTRY_BINARY, type RunningRegistry, type StartRegistryOptions } from './start-registry.js';
export { renderRegistryConfig, hostPort, type RegistryConfigInput } from './registry-config.js';
export { registryRequest, type RegistryTls, type RegistryResponse } from './registry-http.js';
export { MANIFEST_V2, CONFIG_V1, LAYER_TAR_GZIP, sha256Digest, type Blob, type ImageArtifact } from './image.js';
export { buildLayer, type Layer, type LayerEntry } from './layer-tar.js';
export { debianVersionTag } from './debian-package.js';
