// @peculiar/x509 resolves its algorithms through tsyringe, which needs the Reflect metadata API loaded first.
import 'reflect-metadata';

export type { CryptoKey, CryptoKeyPair, KeyAlgorithm } from './key-algorithm.js';
export { generateKeyPair, exportPrivateKeyPem, importPrivateKeyPem } from './keys.js';
export { buildCsr, verifyCsr, DEFAULT_MAX_CSR_BYTES, type BuildCsrOptions, type VerifiedCsr } from './csr.js';
export type { IssuerMaterial } from './issuer.js';
export type { IssuedCertificate } from './signed-certificate.js';
export { issueCertificate, type IssueOptions, type ExtendedKeyUsageName } from './leaf-certificate.js';
export { createRootCa, createIntermediateCa } from './ca-certificates.js';
export { createCaHierarchy, type CaHierarchy, type CaHierarchyOptions } from './ca-hierarchy.js';
export { verifyChain, type ChainVerdict } from './chain.js';
export { createCrl, type CreateCrlOptions, type RevokedEntry, type RevocationReason } from './crl.js';
export { pemToDer, derToPem, splitPemBundle, sha256Fingerprint } from './pem.js';
export { certificateInfo, type CertificateInfo } from './certificate-info.js';
export { normalizeSerial } from './serial.js';
export { normalizeIp } from './ip-address.js';
