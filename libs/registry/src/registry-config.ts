export interface RegistryConfigInput {
  storageDir: string;
  host: string;
  port: number;
  certificateFile: string;
  keyFile: string;
  /** Refuse every push and delete (distribution's maintenance read-only mode): what the platform serves to instances. */
  readOnly?: boolean;
}

/** `host:port` with IPv6 literals bracketed, as Go's net.Listen and URLs both want it. */
export function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * distribution 2.8's config.yml: filesystem storage, TLS, no auth (pulls are gated by network reach and the
 * platform CA). Writable only while the platform seeds it; served read-only, since anyone who reaches it
 * (every instance) could otherwise push over the images others pull. Rendered as JSON, which is valid YAML, so no YAML
 * library is needed at runtime.
 */
export function renderRegistryConfig(input: RegistryConfigInput): string {
  const config = {
    version: '0.1',
    log: { level: 'info', formatter: 'text', accesslog: { disabled: true } },
    storage: {
      filesystem: { rootdirectory: input.storageDir },
      delete: { enabled: !input.readOnly },
      // Upload purging runs a background sweep we do not need for a seeded, single-writer registry.
      maintenance: { uploadpurging: { enabled: false }, readonly: { enabled: input.readOnly === true } },
    },
    http: {
      addr: hostPort(input.host, input.port),
      tls: { certificate: input.certificateFile, key: input.keyFile },
      headers: { 'X-Content-Type-Options': ['nosniff'] },
    },
    health: { storagedriver: { enabled: false } },
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}
