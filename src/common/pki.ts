/**
 * The small pieces of certificate making that the dev cluster's certificates and the operator's webhook
 * certificates share: ECDSA P-256 over WebCrypto (milliseconds, unlike RSA), @peculiar/x509 wired to it, PEM
 * encoding and serial numbers.
 */
import { webcrypto } from 'node:crypto';
// @peculiar/x509 resolves its algorithm providers through tsyringe, which needs a Reflect metadata polyfill
// loaded before it. `reflect-metadata` is the one @peculiar/x509 itself documents.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

export { x509 };

/** ECDSA P-256 with SHA-256, for keys and signatures. */
export const EC_P256: webcrypto.EcKeyGenParams & webcrypto.EcdsaParams = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };

/** Points @peculiar/x509 at Node's WebCrypto (idempotent). */
export function useNodeCrypto(): void {
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
}

/** DER bytes as a PEM block with `label` (e.g. `PRIVATE KEY`). */
export function pem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

/** A positive 16-byte serial number, hex. */
export function randomSerial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] &= 0x7f;
  return Buffer.from(bytes).toString('hex');
}

export async function newEcKeys(): Promise<webcrypto.CryptoKeyPair> {
  return webcrypto.subtle.generateKey(EC_P256, true, ['sign', 'verify']) as Promise<webcrypto.CryptoKeyPair>;
}

/** The private key as PKCS#8 PEM. */
export async function privateKeyPem(key: webcrypto.CryptoKey): Promise<string> {
  return pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', key));
}
