import { createSecureContext, type SecureContext } from 'node:tls';
import type { PlatformClientTls } from './platform-docker-client.js';

const contexts = new WeakMap<PlatformClientTls, SecureContext>();

/**
 * One TLS context per platform client certificate, shared by every connection to every daemon: building one
 * (parsing the key, the chain and the trusted roots) costs more CPU than the handshake itself, and Node builds a
 * new one per connection when it is given the PEMs. A rotated certificate is a new `tls` object, so a new context.
 */
export function platformSecureContext(tls: PlatformClientTls): SecureContext {
  let context = contexts.get(tls);
  if (!context) contexts.set(tls, (context = createSecureContext({ ca: tls.ca, cert: tls.cert, key: tls.key })));
  return context;
}
