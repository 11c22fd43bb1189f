import { request } from 'node:https';
import { agentProtocol } from '@powernode/contracts';
import { buildCsr, exportPrivateKeyPem, generateKeyPair } from '@powernode/pki';

export interface AgentTls {
  /** Trusted roots for the server; the agent pins the platform CA. */
  ca: string[];
  cert?: string;
  key?: string;
}

/**
 * One HTTPS request as an agent would make it; checks the server as PLATFORM_SERVER_NAME, not the address dialled.
 * A Buffer body is sent as it is (for malformed bodies); anything else as JSON.
 */
export function agentRequest(url: string, path: string, tls: AgentTls, body?: unknown, method = body === undefined ? 'GET' : 'POST'): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, url),
      { method, ca: tls.ca, cert: tls.cert, key: tls.key, servername: agentProtocol.PLATFORM_SERVER_NAME, headers: { 'content-type': 'application/json' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // ca.pem is not JSON
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : Buffer.isBuffer(body) ? body : JSON.stringify(body));
  });
}

/** A fresh agent key and a CSR for it (the CSR's CN is ignored by the platform). */
export async function agentKeyAndCsr(commonName = 'whatever-the-agent-says') {
  const keys = await generateKeyPair();
  return { keyPem: await exportPrivateKeyPem(keys.privateKey), csrPem: await buildCsr({ keys, commonName }) };
}

export const testFacts = { agent_version: '0.1.0', os: 'linux', arch: 'x64', hostname: 'node-1', underlay_endpoints: ['fd10::2'], runtimes: {} };
