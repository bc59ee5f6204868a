/**
 * Certificates for a throw-away control plane: a CA, the API server's serving certificate (SANs for
 * 127.0.0.1/localhost and the in-cluster names), an admin client certificate in `system:masters`, and the
 * service-account signing key pair. ECDSA P-256 keys: generation takes milliseconds, unlike RSA.
 */
import { webcrypto } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

// @peculiar/x509 resolves its algorithm providers through tsyringe, which needs a Reflect metadata polyfill
// loaded before it. `reflect-metadata` is the one @peculiar/x509 itself documents.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

const ALG: webcrypto.EcKeyGenParams & webcrypto.EcdsaParams = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };

/** Absolute paths of the PEM files written by {@link writeClusterCertificates}. */
export interface ClusterCertificates {
  readonly caCert: string;
  readonly caKey: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly adminCert: string;
  readonly adminKey: string;
  readonly serviceAccountKey: string;
  readonly serviceAccountPub: string;
}

function pem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

async function newKeys(): Promise<CryptoKeyPair> {
  return webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']) as Promise<CryptoKeyPair>;
}

async function privatePem(key: CryptoKey): Promise<string> {
  return pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', key));
}

function serial(): string {
  // Positive, 16 random bytes.
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] &= 0x7f;
  return Buffer.from(bytes).toString('hex');
}

/** Generates all certificates and keys into `dir` (mode 0600 for keys) and returns their paths. */
export async function writeClusterCertificates(dir: string): Promise<ClusterCertificates> {
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(Date.now() + 365 * 24 * 3600_000);

  const caKeys = await newKeys();
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: 'CN=cdk8s-otel-dev-ca',
    notBefore,
    notAfter,
    signingAlgorithm: ALG,
    keys: caKeys,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });

  async function leaf(subject: string, usage: 'server' | 'client', sans?: x509.JsonGeneralName[]) {
    const keys = await newKeys();
    const extensions: x509.Extension[] = [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension(
        [usage === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth],
        false,
      ),
      await x509.AuthorityKeyIdentifierExtension.create(ca, false),
    ];
    if (sans) extensions.push(new x509.SubjectAlternativeNameExtension(sans, false));
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: serial(),
      subject: subject,
      issuer: ca.subject,
      notBefore,
      notAfter,
      signingAlgorithm: ALG,
      publicKey: keys.publicKey,
      signingKey: caKeys.privateKey,
      extensions,
    });
    return { cert: cert.toString('pem') + '\n', key: await privatePem(keys.privateKey) };
  }

  const server = await leaf('CN=kube-apiserver', 'server', [
    { type: 'ip', value: '127.0.0.1' },
    { type: 'dns', value: 'localhost' },
    { type: 'ip', value: '10.0.0.1' },
    { type: 'dns', value: 'kubernetes' },
    { type: 'dns', value: 'kubernetes.default' },
    { type: 'dns', value: 'kubernetes.default.svc' },
    { type: 'dns', value: 'kubernetes.default.svc.cluster.local' },
  ]);
  const admin = await leaf('O=system:masters, CN=cdk8s-otel-admin', 'client');
  const saKeys = await newKeys();

  const files: ClusterCertificates = {
    caCert: path.join(dir, 'ca.crt'),
    caKey: path.join(dir, 'ca.key'),
    serverCert: path.join(dir, 'apiserver.crt'),
    serverKey: path.join(dir, 'apiserver.key'),
    adminCert: path.join(dir, 'admin.crt'),
    adminKey: path.join(dir, 'admin.key'),
    serviceAccountKey: path.join(dir, 'sa.key'),
    serviceAccountPub: path.join(dir, 'sa.pub'),
  };
  const write = (file: string, text: string, mode = 0o644) => fs.writeFileSync(file, text, { mode });
  write(files.caCert, ca.toString('pem') + '\n');
  write(files.caKey, await privatePem(caKeys.privateKey), 0o600);
  write(files.serverCert, server.cert);
  write(files.serverKey, server.key, 0o600);
  write(files.adminCert, admin.cert);
  write(files.adminKey, admin.key, 0o600);
  write(files.serviceAccountKey, await privatePem(saKeys.privateKey), 0o600);
  write(files.serviceAccountPub, pem('PUBLIC KEY', await webcrypto.subtle.exportKey('spki', saKeys.publicKey)));
  return files;
}
