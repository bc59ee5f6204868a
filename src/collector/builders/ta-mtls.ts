import { dnsName, truncateName } from '../../common/naming';
import { ResolvedCollector } from '../resolve';
import { asRecord, Json } from '../../common/json';

/** Where the collector finds its target-allocator client certificate (`ca.crt`, `tls.crt`, `tls.key`). */
export const TA_TLS_DIR = '/tls';

export const taClientCertName = (cr: string) => dnsName(truncateName('%s-ta-client-cert', cr));

/** The collector talks to its target allocator over mTLS (`spec.targetAllocator.mtls.enabled`). */
export function taMtlsEnabled(c: ResolvedCollector): boolean {
  return !!c.spec.targetAllocator?.enabled && !!c.spec.targetAllocator?.mtls?.enabled;
}

function keyed(ref: unknown, defaultKey: string, path: string): Json | undefined {
  const r = asRecord(ref);
  if (!r || typeof r.name !== 'string') return undefined;
  return { name: r.name, items: [{ key: typeof r.key === 'string' ? r.key : defaultKey, path }] };
}

/**
 * The client-certificate volume. With cert-manager (default) it is the Secret cert-manager writes for the
 * `<name>-ta-client-cert` Certificate; with user-provided TLS it projects the CA (ConfigMap or Secret) and the
 * client certificate and key Secrets into the same three file names.
 */
export function taMtlsVolume(c: ResolvedCollector): Json | undefined {
  if (!taMtlsEnabled(c)) return undefined;
  const mtls = c.spec.targetAllocator!.mtls;
  const name = taClientCertName(c.name);
  if (mtls.useCertManager !== false) return { name, secret: { secretName: name } };
  const tls = asRecord(mtls.tls) ?? {};
  const ca = asRecord(tls.certificateAuthorityCertificate) ?? {};
  const client = asRecord(tls.clientCertificate) ?? {};
  const sources: Json[] = [];
  const caConfigMap = keyed(ca.configMap, 'ca.crt', 'ca.crt');
  const caSecret = keyed(ca.secret, 'ca.crt', 'ca.crt');
  if (caConfigMap) sources.push({ configMap: caConfigMap });
  if (caSecret) sources.push({ secret: caSecret });
  const cert = keyed(client.certificateSecret, 'tls.crt', 'tls.crt');
  const key = keyed(client.keySecret, 'tls.key', 'tls.key');
  if (cert) sources.push({ secret: cert });
  if (key) sources.push({ secret: key });
  return { name, projected: { sources } };
}

export function taMtlsMount(c: ResolvedCollector): Json | undefined {
  return taMtlsEnabled(c) ? { name: taClientCertName(c.name), mountPath: TA_TLS_DIR } : undefined;
}
