import {
  createCaHierarchy,
  generateKeyPair,
  issueCertificate,
  type CryptoKeyPair,
  type IssueOptions,
  type IssuedCertificate,
  type IssuerMaterial,
  type KeyAlgorithm,
} from '../index.js';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export interface TestCa {
  root: IssuedCertificate;
  rootKeys: CryptoKeyPair;
  rootIssuer: IssuerMaterial;
  intermediate: IssuedCertificate;
  intermediateKeys: CryptoKeyPair;
  intermediateIssuer: IssuerMaterial;
  /** The chain a relying party is given after the leaf: intermediate, root last. */
  chain: string[];
}

export interface TestLeaf {
  certificate: IssuedCertificate;
  keys: CryptoKeyPair;
}

/** A root and an intermediate under it, valid from an hour ago for a year. */
export async function createTestCa(options: { algorithm?: KeyAlgorithm; rootCn?: string; now?: Date } = {}): Promise<TestCa> {
  const now = options.now ?? new Date();
  const window = { notBefore: new Date(now.getTime() - HOUR), notAfter: new Date(now.getTime() + 365 * DAY) };
  const ca = await createCaHierarchy({
    rootCommonName: options.rootCn ?? 'Powernode Test Root',
    intermediateCommonName: 'Powernode Test Intermediate',
    notBefore: window.notBefore,
    rootNotAfter: window.notAfter,
    intermediateNotAfter: window.notAfter,
    ...(options.algorithm ? { algorithm: options.algorithm } : {}),
  });
  const rootIssuer = { certificatePem: ca.root.certificatePem, privateKey: ca.rootKeys.privateKey };
  const intermediateIssuer = { certificatePem: ca.intermediate.certificatePem, privateKey: ca.intermediateKeys.privateKey };
  return { ...ca, rootIssuer, intermediateIssuer };
}

/** A leaf from the test intermediate for a fresh key, valid from a minute ago for a day unless overridden. */
export async function issueTestLeaf(
  ca: TestCa,
  options: Partial<Omit<IssueOptions, 'issuer' | 'subjectPublicKey'>> & { keyAlgorithm?: KeyAlgorithm } = {},
): Promise<TestLeaf> {
  const { keyAlgorithm, ...overrides } = options;
  const keys = await generateKeyPair(keyAlgorithm);
  const now = Date.now();
  const certificate = await issueCertificate({
    issuer: ca.intermediateIssuer,
    subjectPublicKey: keys.publicKey,
    commonName: 'test-leaf',
    dnsNames: [],
    ipAddresses: [],
    extendedKeyUsages: ['serverAuth'],
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + DAY),
    ...overrides,
  });
  return { certificate, keys };
}
