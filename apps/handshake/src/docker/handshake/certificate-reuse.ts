import type { DockerHostState, HostCertificate } from '@powernode/docker-host';

/**
 * The host's certificate, when a wants_cert for this key and overlay may get it again instead of a new one:
 * same key, same overlay (its IP SAN), and more than a third of its life left. Past two thirds the agent is
 * renewing, and a repeat must not hand it a certificate about to expire.
 */
export function reusableCertificate(state: DockerHostState, publicKeySha256: string, overlay: string, now: Date): HostCertificate | undefined {
  const cert = state.certificate;
  if (!cert || cert.publicKeySha256 !== publicKeySha256 || cert.overlay !== overlay) return undefined;
  const start = Date.parse(cert.issuedAt);
  const end = Date.parse(cert.notAfter);
  return end - now.getTime() > (end - start) / 3 ? cert : undefined;
}
