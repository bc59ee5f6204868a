/**
 * Certificates for a throw-away control plane: a CA, the API server's serving certificate (SANs for
 * 127.0.0.1/localhost and the in-cluster names), an admin client certificate in `system:masters`, and the
 * service-account signing key pair. ECDSA P-256 keys: generation takes milliseconds, unlike RSA.
 */
import { webcrypto } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EC_P256 as ALG, newEcKeys as newKeys, pem, privateKeyPem as privatePem, randomSerial as serial, useNodeCrypto, x509 } from '../common/pki';

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
  /** Client certificates asked for in {@link CertificateOptions.clients}, by their key. */
  readonly clients: Readonly<Record<string, { readonly cert: string; readonly key: string }>>;
}

export interface CertificateOptions {
  /** More IP addresses the API server's certificate is valid for (a real node reaches it on its veth address). @default none */
  readonly serverIps?: readonly string[];
  /**
   * More client certificates signed by the cluster CA, by file name stem: the subject's CN and O (groups), e.g.
   * `{ kubelet: { cn: 'system:node:n1', groups: ['system:nodes'] } }` writes kubelet.crt and kubelet.key.
   * @default none
   */
  readonly clients?: Readonly<Record<string, { readonly cn: string; readonly groups?: readonly string[] }>>;
}

/** Generates all certificates and keys into `dir` (mode 0600 for keys) and returns their paths. */
export async function writeClusterCertificates(dir: string, options: CertificateOptions = {}): Promise<ClusterCertificates> {
  useNodeCrypto();
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
    ...(options.serverIps ?? []).map((value) => ({ type: 'ip' as const, value })),
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
    clients: {},
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
  const clients: Record<string, { cert: string; key: string }> = {};
  for (const [stem, who] of Object.entries(options.clients ?? {})) {
    const subject = [...(who.groups ?? []).map((g) => `O=${g}`), `CN=${who.cn}`].join(', ');
    const made = await leaf(subject, 'client');
    clients[stem] = { cert: path.join(dir, `${stem}.crt`), key: path.join(dir, `${stem}.key`) };
    write(clients[stem].cert, made.cert);
    write(clients[stem].key, made.key, 0o600);
  }
  return { ...files, clients };
}
