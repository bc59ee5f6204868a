import { ENV_EXPORTER_CERTIFICATE, ENV_EXPORTER_CLIENT_CERTIFICATE, ENV_EXPORTER_CLIENT_KEY, ENV_EXPORTER_ENDPOINT } from './constants';
import { truncateName } from '../common/naming';
import { appendIfNotSet } from './env';
import { Container, InstrumentationSpec, Pod } from './types';

/**
 * OTEL_EXPORTER_OTLP_ENDPOINT and, with `exporter.tls`, the certificate variables plus read-only mounts of
 * the Secret (client cert/key, and the CA unless a ConfigMap carries it) and the ConfigMap.
 */
export function configureExporter(exporter: InstrumentationSpec['exporter'], pod: Pod, container: Container): void {
  const env = (container.env ??= []);
  if (exporter?.endpoint) appendIfNotSet(env, { name: ENV_EXPORTER_ENDPOINT, value: exporter.endpoint });
  const tls = exporter?.tls;
  if (!tls) return;
  const secretName = tls.secretName ?? '';
  const configMapName = tls.configMapName ?? '';
  const secretVolume = truncateName('otel-auto-secret-%s', secretName);
  const secretPath = `/otel-auto-instrumentation-secret-${secretName}`;
  const configMapVolume = truncateName('otel-auto-configmap-%s', configMapName);
  const configMapPath = `/otel-auto-instrumentation-configmap-${configMapName}`;
  const inDir = (dir: string, file: string) => (file.startsWith('/') ? file : `${dir}/${file}`);

  if (tls.ca_file) {
    appendIfNotSet(env, { name: ENV_EXPORTER_CERTIFICATE, value: inDir(configMapName ? configMapPath : secretPath, tls.ca_file) });
  }
  if (tls.cert_file) appendIfNotSet(env, { name: ENV_EXPORTER_CLIENT_CERTIFICATE, value: inDir(secretPath, tls.cert_file) });
  if (tls.key_file) appendIfNotSet(env, { name: ENV_EXPORTER_CLIENT_KEY, value: inDir(secretPath, tls.key_file) });

  if (secretName) {
    addVolumeOnce(pod, { name: secretVolume, secret: { secretName } });
    addMountOnce(container, { name: secretVolume, mountPath: secretPath, readOnly: true });
  }
  if (configMapName) {
    addVolumeOnce(pod, { name: configMapVolume, configMap: { name: configMapName } });
    addMountOnce(container, { name: configMapVolume, mountPath: configMapPath, readOnly: true });
  }
}

function addVolumeOnce(pod: Pod, volume: { name: string; [key: string]: unknown }): void {
  const volumes = (pod.spec.volumes ??= []);
  if (!volumes.some((v) => v.name === volume.name)) volumes.push(volume);
}

function addMountOnce(container: Container, mount: { name: string; mountPath: string; readOnly?: boolean }): void {
  const mounts = (container.volumeMounts ??= []);
  if (!mounts.some((m) => m.name === mount.name)) mounts.push(mount);
}
