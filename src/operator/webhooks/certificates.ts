/**
 * The webhook server's certificates without cert-manager: a CA and a serving certificate signed by it, made with
 * @peculiar/x509 over WebCrypto (ECDSA P-256: milliseconds, unlike RSA). No I/O: what to do with the PEMs (a
 * Secret, the caBundle) is `serving-secret.ts`'s business.
 *
 * The CA lives long and the serving certificate short, so renewing the serving certificate never changes the
 * caBundle the API server trusts; only a CA near its end is replaced, and then the old CA stays in the bundle
 * next to the new one until it expires, so no replica's certificate is untrusted at any moment.
 */
import { webcrypto } from 'node:crypto';
import { EC_P256 as ALG, newEcKeys as newKeys, privateKeyPem, randomSerial as serial, useNodeCrypto as setProvider, x509 } from '../../common/pki';

/** The PEMs of a webhook certificate set, as stored in the Secret (`ca.crt`, `ca.key`, `tls.crt`, `tls.key`). */
export interface WebhookCertificates {
  /** The current CA first, then older CAs still valid (the caBundle). */
  readonly caCert: string;
  readonly caKey: string;
  readonly cert: string;
  readonly key: string;
}

export interface CertificateOptions {
  /** DNS names of the serving certificate, e.g. `opentelemetry-operator-webhook-service.opentelemetry-operator-system.svc`. */
  readonly dnsNames: readonly string[];
  /** IP addresses of the serving certificate (the `--webhook-host` when it is an IP). @default - none */
  readonly ipAddresses?: readonly string[];
  /** Lifetime of the serving certificate, ms. @default 1 year */
  readonly validityMs?: number;
  /** Lifetime of the CA, ms. @default 10 years */
  readonly caValidityMs?: number;
  /** @default - the clock */
  readonly now?: Date;
}

const YEAR_MS = 365 * 24 * 3600_000;
/** Certificates start a little in the past (5 minutes, a tenth of short lifetimes), so a lagging clock still accepts them. */
function backdateMs(validityMs: number): number {
  return Math.min(5 * 60_000, Math.floor(validityMs / 10));
}

async function importKey(keyPem: string): Promise<webcrypto.CryptoKey> {
  const der = Buffer.from(keyPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  return webcrypto.subtle.importKey('pkcs8', der, ALG, true, ['sign']);
}

async function newCa(now: Date, validityMs: number, backdate: number): Promise<{ cert: string; key: string }> {
  const keys = await newKeys();
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: 'CN=cdk8s-otel-operator-webhook-ca',
    notBefore: new Date(now.getTime() - backdate),
    notAfter: new Date(now.getTime() + validityMs),
    signingAlgorithm: ALG,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert: ca.toString('pem') + '\n', key: await privateKeyPem(keys.privateKey) };
}

/** The PEM blocks of a bundle. */
export function splitPem(bundle: string): string[] {
  return bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

/** When a PEM certificate (the first of a bundle) expires. */
export function certificateNotAfter(certPem: string): Date {
  setProvider();
  return new x509.X509Certificate(splitPem(certPem)[0] ?? certPem).notAfter;
}

/** When a PEM certificate (the first of a bundle) became valid. */
export function certificateNotBefore(certPem: string): Date {
  setProvider();
  return new x509.X509Certificate(splitPem(certPem)[0] ?? certPem).notBefore;
}

/** The DNS names and IP addresses a serving certificate is valid for. */
export function certificateNames(certPem: string): { dnsNames: string[]; ipAddresses: string[] } {
  setProvider();
  const san = new x509.X509Certificate(certPem).getExtension(x509.SubjectAlternativeNameExtension);
  const names = san?.names.toJSON() ?? [];
  return { dnsNames: names.filter((n) => n.type === 'dns').map((n) => n.value), ipAddresses: names.filter((n) => n.type === 'ip').map((n) => n.value) };
}

/** The serial number (hex) of a certificate, to tell two apart in logs and tests. */
export function certificateSerial(certPem: string): string {
  setProvider();
  return new x509.X509Certificate(certPem).serialNumber;
}

/**
 * Whether a certificate is due for renewal at `now`: less than a third of its lifetime left (cert-manager's
 * default `renewBefore`), or not valid yet.
 */
export function needsRenewal(certPem: string, now: Date = new Date()): boolean {
  const notBefore = certificateNotBefore(certPem).getTime();
  const notAfter = certificateNotAfter(certPem).getTime();
  return now.getTime() < notBefore || now.getTime() >= notAfter - (notAfter - notBefore) / 3;
}

/** The moment a certificate becomes due for renewal. */
export function renewalTime(certPem: string): Date {
  const notBefore = certificateNotBefore(certPem).getTime();
  const notAfter = certificateNotAfter(certPem).getTime();
  return new Date(notAfter - (notAfter - notBefore) / 3);
}

/**
 * A serving certificate for `options`, signed by the CA of `existing` when that CA is good for longer than the new
 * certificate (it is then reused, and the caBundle stays as it is); else by a new CA, with the still-valid old CAs
 * kept in `caCert` after it.
 */
export async function issueWebhookCertificates(options: CertificateOptions, existing?: Pick<WebhookCertificates, 'caCert' | 'caKey'>): Promise<WebhookCertificates> {
  setProvider();
  const now = options.now ?? new Date();
  const validityMs = options.validityMs ?? YEAR_MS;
  const caValidityMs = Math.max(options.caValidityMs ?? 10 * YEAR_MS, validityMs * 3);
  let ca: { cert: string; key: string };
  let older: string[] = [];
  const current = existing?.caCert ? splitPem(existing.caCert) : [];
  if (current.length > 0 && existing?.caKey && certificateNotAfter(current[0]).getTime() > now.getTime() + validityMs + backdateMs(validityMs)) {
    ca = { cert: `${current[0]}\n`, key: existing.caKey };
    older = current.slice(1);
  } else {
    ca = await newCa(now, caValidityMs, backdateMs(validityMs));
    older = current;
  }
  older = older.filter((c) => certificateNotAfter(c).getTime() > now.getTime());

  const caCert = new x509.X509Certificate(ca.cert);
  const caKey = await importKey(ca.key);
  const keys = await newKeys();
  const names: x509.JsonGeneralName[] = [
    ...options.dnsNames.map((value) => ({ type: 'dns' as const, value })),
    ...(options.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${options.dnsNames[0] ?? options.ipAddresses?.[0] ?? 'webhook'}`,
    issuer: caCert.subject,
    notBefore: new Date(now.getTime() - backdateMs(validityMs)),
    notAfter: new Date(now.getTime() + validityMs),
    signingAlgorithm: ALG,
    publicKey: keys.publicKey,
    signingKey: caKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
      new x509.SubjectAlternativeNameExtension(names, false),
      await x509.AuthorityKeyIdentifierExtension.create(caCert, false),
    ],
  });
  return {
    caCert: [ca.cert.trim(), ...older.map((c) => c.trim())].join('\n') + '\n',
    caKey: ca.key,
    cert: cert.toString('pem') + '\n',
    key: await privateKeyPem(keys.privateKey),
  };
}

/**
 * Why `certs` cannot serve `options` at `now` (missing parts, other names, due for renewal), or undefined when
 * they can. A reason means: issue new ones.
 */
export function certificatesProblem(certs: Partial<WebhookCertificates>, options: CertificateOptions, now: Date = new Date()): string | undefined {
  if (!certs.caCert || !certs.caKey || !certs.cert || !certs.key) return 'the Secret lacks one of ca.crt, ca.key, tls.crt, tls.key';
  try {
    const names = certificateNames(certs.cert);
    const missing = [
      ...options.dnsNames.filter((n) => !names.dnsNames.includes(n)),
      ...(options.ipAddresses ?? []).filter((n) => !names.ipAddresses.includes(n)),
    ];
    if (missing.length > 0) return `the serving certificate is not valid for ${missing.join(', ')}`;
    if (needsRenewal(certs.cert, now)) return `the serving certificate is due for renewal (valid until ${certificateNotAfter(certs.cert).toISOString()})`;
  } catch (e) {
    return `the certificates do not parse: ${(e as Error).message}`;
  }
  return undefined;
}
