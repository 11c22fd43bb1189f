import { z } from 'zod';
import { defineAction } from './action.js';

/** Internal: the platform image registry's state, for platform_provisioning_status. */
export const dockerRegistryStatus = defineAction({
  name: 'docker_registry_status',
  description: "The platform image registry (docker-proxy): where it serves, whether it is ready, the images it holds; platform services only.",
  service: 'docker-proxy',
  permission: 'system.platform_read',
  mutating: false,
  internal: true,
  input: z.object({}),
  output: z.object({
    /** `https://host:port`. */
    url: z.string(),
    /** `host:port`, as image references use it. */
    address: z.string(),
    ready: z.boolean(),
    /** Pullable references, e.g. `198.18.0.1:5000/powernode/busybox-httpd:latest`. */
    images: z.array(z.string()),
    error: z.string().optional(),
  }),
});
