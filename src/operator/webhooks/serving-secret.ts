/**
 * The webhook certificates, kept in one Secret so every replica serves the same ones:
 *
 * - self-signed (the default, no cert-manager): read the Secret; create it when absent, and when another replica
 *   created it first (409) read theirs; renew it when due (a PUT with the resourceVersion read, so two replicas
 *   renewing at once cannot both win: the loser re-reads and takes the winner's).
 * - cert-manager: read the Secret cert-manager fills (`tls.crt`, `tls.key`, `ca.crt`), never write it; or read
 *   the files of a mounted directory.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { KubeObject } from '../../common/kube';
import { KubeApi, KubeApiError } from '../../kube';
import type { Logger } from '../../common/log';
import { CertificateOptions, certificatesProblem, issueWebhookCertificates, WebhookCertificates } from './certificates';

/** Where the certificates come from. */
export type CertificateSource =
  | { readonly type: 'self-signed'; readonly namespace: string; readonly secretName: string; readonly certificate: CertificateOptions }
  /** cert-manager's Secret (upstream's `opentelemetry-operator-controller-manager-service-cert`) */
  | { readonly type: 'secret'; readonly namespace: string; readonly secretName: string }
  /** a mounted directory with `tls.crt`, `tls.key` and optionally `ca.crt` (controller-runtime's `--cert-dir`) */
  | { readonly type: 'directory'; readonly dir: string };

/** What the server serves; `caCert` may be empty when the source does not tell (a directory without ca.crt). */
export type ServingCertificates = Pick<WebhookCertificates, 'cert' | 'key' | 'caCert'>;

const MAX_ATTEMPTS = 5;
/** cert-manager writes this annotation on the Secrets of its Certificates. */
const CERT_MANAGER_CERTIFICATE_NAME = 'cert-manager.io/certificate-name';

function decode(secret: KubeObject | undefined, key: string): string | undefined {
  const v = (secret?.data as { [k: string]: string } | undefined)?.[key];
  return v === undefined ? undefined : Buffer.from(v, 'base64').toString('utf8');
}

function fromSecret(secret: KubeObject | undefined): Partial<WebhookCertificates> {
  return { caCert: decode(secret, 'ca.crt'), caKey: decode(secret, 'ca.key'), cert: decode(secret, 'tls.crt'), key: decode(secret, 'tls.key') };
}

function secretOf(namespace: string, name: string, certs: WebhookCertificates, resourceVersion?: string): KubeObject {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name,
      namespace,
      labels: { 'app.kubernetes.io/name': 'opentelemetry-operator', 'app.kubernetes.io/component': 'webhook', 'app.kubernetes.io/managed-by': 'cdk8s-otel' },
      ...(resourceVersion ? { resourceVersion } : {}),
    },
    type: 'kubernetes.io/tls',
    data: { 'ca.crt': b64(certs.caCert), 'ca.key': b64(certs.caKey), 'tls.crt': b64(certs.cert), 'tls.key': b64(certs.key) },
  };
}

function isConflict(e: unknown): boolean {
  return e instanceof KubeApiError && e.statusCode === 409;
}

/**
 * The current certificates of `source`, creating or renewing them in the self-signed case. Throws with what is
 * missing and how to fix it when a cert-manager Secret or directory is not usable.
 */
export async function loadServingCertificates(api: KubeApi, source: CertificateSource, log: Logger, now: () => Date = () => new Date()): Promise<ServingCertificates> {
  if (source.type === 'directory') return readDirectory(source.dir);
  if (source.type === 'secret') {
    const secret = await api.get({ apiVersion: 'v1', kind: 'Secret', namespace: source.namespace, name: source.secretName });
    const certs = fromSecret(secret);
    if (!certs.cert || !certs.key) {
      throw new Error(`Secret ${source.namespace}/${source.secretName} ${secret ? 'has no tls.crt/tls.key' : 'does not exist'} `
        + '(is cert-manager\'s Certificate for the webhook ready? Or run without --webhook-cert-secret to let the operator make its own)');
    }
    return { cert: certs.cert, key: certs.key, caCert: certs.caCert ?? '' };
  }
  const ref = { apiVersion: 'v1', kind: 'Secret', namespace: source.namespace, name: source.secretName };
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const secret = await api.get(ref);
    const current = fromSecret(secret);
    if (secret?.metadata.annotations?.[CERT_MANAGER_CERTIFICATE_NAME] && current.cert && current.key) {
      // cert-manager's (install --cert-manager, or left by upstream's install): it renews it, we only serve it
      return { cert: current.cert, key: current.key, caCert: current.caCert ?? '' };
    }
    const problem = secret ? certificatesProblem(current, source.certificate, now()) : 'it does not exist';
    if (!problem) return current as WebhookCertificates;
    const issued = await issueWebhookCertificates({ ...source.certificate, now: now() },
      current.caCert && current.caKey ? { caCert: current.caCert, caKey: current.caKey } : undefined);
    try {
      if (secret) {
        await api.replace(secretOf(source.namespace, source.secretName, issued, secret.metadata.resourceVersion as string | undefined));
      } else {
        await api.create(secretOf(source.namespace, source.secretName, issued));
      }
      log.info({ secret: `${source.namespace}/${source.secretName}`, reason: problem }, secret ? 'renewed the webhook certificate' : 'created the webhook certificate');
      return issued;
    } catch (e) {
      if (e instanceof KubeApiError && e.statusCode === 404 && !secret) {
        throw new Error(`cannot create Secret ${source.namespace}/${source.secretName} for the webhook certificate: ${e.serverMessage} `
          + '(create the namespace, or pick another with --webhook-namespace)');
      }
      // another replica wrote it between our read and write: read theirs and judge again
      if (!isConflict(e)) throw e;
      log.info({ secret: `${source.namespace}/${source.secretName}`, attempt }, 'the webhook certificate Secret changed under us, reading it again');
    }
  }
  throw new Error(`Secret ${source.namespace}/${source.secretName}: still conflicting after ${MAX_ATTEMPTS} attempts to write the webhook certificate`);
}

async function readDirectory(dir: string): Promise<ServingCertificates> {
  const read = async (name: string, required: boolean) => {
    try {
      return await fs.readFile(path.join(dir, name), 'utf8');
    } catch (e) {
      if (!required && (e as NodeJS.ErrnoException).code === 'ENOENT') return '';
      throw new Error(`cannot read ${path.join(dir, name)}: ${(e as Error).message} (--webhook-cert-dir must hold tls.crt and tls.key, as cert-manager's Secret mounted there does)`);
    }
  };
  return { cert: await read('tls.crt', true), key: await read('tls.key', true), caCert: await read('ca.crt', false) };
}
