import { InvalidInputError } from '../common/errors';
import { TA_TLS_DIR } from './config';
import {
  mtlsEnabled, mtlsUsesCertManager, ResolvedTargetAllocator, taCaCertificateName, taCaIssuerName, taClientCertificateName,
  taMetadata, taSelfSignedIssuerName, taServerCertificateName,
} from './model';
import { dnsName, targetAllocatorName, truncateName } from '../common/naming';
import { Json } from '../common/json';

const CERT_MANAGER_API = 'cert-manager.io/v1';
const ORGANIZATIONAL_UNIT = 'opentelemetry-operator';

/**
 * With mTLS, cert-manager issues a CA (self-signed issuer → CA certificate → CA issuer) and from it the allocator's
 * server certificate and the collectors' client certificate. Without cert-manager the user provides both.
 */
export function validateTaMtls(ta: ResolvedTargetAllocator): void {
  if (!mtlsEnabled(ta)) return;
  const mtls = ta.spec.mtls ?? {};
  if (mtls.useCertManager !== false) {
    if (ta.options.certManagerAvailable === false) {
      throw new InvalidInputError(ta.resource, 'spec.mtls.useCertManager',
        'mTLS is enabled with useCertManager but cert-manager is not available',
        'install cert-manager and restart the operator, or set useCertManager to false and provide the certificates');
    }
    return;
  }
  const tls = mtls.tls ?? {};
  if (!tls.serverCertificate || !tls.clientCertificate) {
    throw new InvalidInputError(ta.resource, 'spec.mtls.tls', 'mTLS is enabled with useCertManager set to false; tls.serverCertificate and tls.clientCertificate must both be set',
      'reference the Secrets holding the server and client certificates and keys');
  }
  const ca = tls.certificateAuthorityCertificate;
  if (!ca) {
    throw new InvalidInputError(ta.resource, 'spec.mtls.tls.certificateAuthorityCertificate',
      'mTLS is enabled with useCertManager set to false; tls.certificateAuthorityCertificate must be set', 'reference the CA certificate in a Secret or ConfigMap');
  }
  if (!!ca.secret === !!ca.configMap) {
    throw new InvalidInputError(ta.resource, 'spec.mtls.tls.certificateAuthorityCertificate',
      'must set exactly one of secret or configMap', 'keep either secret or configMap');
  }
}

function serviceDnsNames(ta: ResolvedTargetAllocator): string[] {
  const svc = targetAllocatorName(ta.name);
  return [svc, `${svc}.${ta.namespace}.svc`, `${svc}.${ta.namespace}.svc.cluster.local`];
}

/** cert-manager Issuers and Certificates for the allocator's mTLS (only when cert-manager issues them). */
export function buildTaCertManagerObjects(ta: ResolvedTargetAllocator): Json[] {
  if (!mtlsUsesCertManager(ta) || ta.options.certManagerAvailable === false) return [];
  const issuer = (name: string, spec: Json): Json => ({ apiVersion: CERT_MANAGER_API, kind: 'Issuer', metadata: taMetadata(ta, name), spec });
  const certificate = (name: string, spec: Json): Json => ({ apiVersion: CERT_MANAGER_API, kind: 'Certificate', metadata: taMetadata(ta, name), spec });
  const leaf = (name: string): Json => certificate(name, {
    dnsNames: serviceDnsNames(ta),
    issuerRef: { kind: 'Issuer', name: taCaIssuerName(ta.name) },
    usages: ['client auth', 'server auth'],
    secretName: name,
    subject: { organizationalUnits: [ORGANIZATIONAL_UNIT] },
  });
  const ca = taCaCertificateName(ta.name);
  return [
    issuer(taSelfSignedIssuerName(ta.name), { selfSigned: {} }),
    certificate(ca, {
      isCA: true,
      commonName: ca,
      subject: { organizationalUnits: [ORGANIZATIONAL_UNIT] },
      secretName: ca,
      issuerRef: { name: taSelfSignedIssuerName(ta.name), kind: 'Issuer' },
    }),
    issuer(taCaIssuerName(ta.name), { ca: { secretName: ca } }),
    leaf(taServerCertificateName(ta.name)),
    leaf(taClientCertificateName(ta.name)),
  ];
}

/**
 * The allocator's server-certificate volumes and mounts under /tls. cert-manager: the Secret of the
 * `<name>-ta-server-cert` Certificate. User-provided: each file (CA, certificate, key) projected with a subPath
 * mount from its Secret or ConfigMap, one volume per distinct source.
 */
export function taServerCertificateVolumes(ta: ResolvedTargetAllocator): { volumes: Json[]; mounts: Json[] } {
  const base = taServerCertificateName(ta.name);
  const mtls = ta.spec.mtls ?? {};
  const server = mtls.tls?.serverCertificate;
  if (mtls.useCertManager !== false || !server) {
    return { volumes: [{ name: base, secret: { secretName: base } }], mounts: [{ name: base, mountPath: TA_TLS_DIR }] };
  }
  const files: Array<{ kind: 'secret' | 'configMap'; name: string; key: string; path: string }> = [];
  const ca = mtls.tls?.certificateAuthorityCertificate ?? {};
  if (ca.secret) files.push({ kind: 'secret', name: ca.secret.name, key: ca.secret.key || 'ca.crt', path: 'ca.crt' });
  else if (ca.configMap) files.push({ kind: 'configMap', name: ca.configMap.name, key: ca.configMap.key || 'ca.crt', path: 'ca.crt' });
  files.push({ kind: 'secret', name: server.certificateSecret.name, key: server.certificateSecret.key || 'tls.crt', path: 'tls.crt' });
  files.push({ kind: 'secret', name: server.keySecret.name, key: server.keySecret.key || 'tls.key', path: 'tls.key' });
  const volumes: Json[] = [];
  const mounts: Json[] = [];
  const seen = new Map<string, string>();
  for (const f of files) {
    const id = `${f.kind}/${f.name}`;
    let volumeName = seen.get(id);
    if (!volumeName) {
      volumeName = dnsName(truncateName('%s-%s', base, String(volumes.length)));
      seen.set(id, volumeName);
      volumes.push(f.kind === 'secret' ? { name: volumeName, secret: { secretName: f.name } } : { name: volumeName, configMap: { name: f.name } });
    }
    mounts.push({ name: volumeName, mountPath: `${TA_TLS_DIR}/${f.path}`, subPath: f.key, readOnly: true });
  }
  return { volumes, mounts };
}
