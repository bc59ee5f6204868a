import { appendIfNotSet, fieldRefEnv } from './env';
import { LanguageContext } from './language';
import { clone, instrumentationVolume, isInitContainer, withOptional } from './pod-utils';
import { injectCommonEnv, injectCommonSdkConfig } from './sdk-config';
import { APACHE_HTTPD_AGENT_SCRIPT } from './scripts';
import { AGENT_DIR, APACHE_ATTACH_CONTAINER_NAME, attachContainerEnv, CLONE_CONTAINER_NAME, cloneContainer, dropConfigMount, SOURCE_CONF_DIR, webServerSettings } from './webserver';
import { Container } from './types';

const CLONE = CLONE_CONTAINER_NAME;
const ATTACH = APACHE_ATTACH_CONTAINER_NAME;
const CONF_VOLUME = 'otel-apache-conf-dir';
const AGENT_VOLUME = 'otel-apache-agent';
const DEFAULT_CONFIG_PATH = '/usr/local/apache2/conf';

/**
 * Apache HTTPD: the module is configured by a file, not env. A clone of the app container copies the
 * original config into a volume, the attach container adds the module config, and the app mounts the result
 * over its config directory. Only regular containers; with several targets only the first gets the mounts.
 */
export function injectApacheHttpd(ctx: LanguageContext): void {
  const spec = ctx.inst.spec.apacheHttpd;
  const confDir = (spec?.configPath || DEFAULT_CONFIG_PATH).replace(/(.)\/$/, '$1');
  const pod = ctx.pod;
  for (const c of ctx.targets) {
    if (isInitContainer(pod, c.name)) {
      ctx.log(`Skipping Apache Httpd injection into container ${c.name}: is init container`);
      continue;
    }
    c.env = appendIfNotSet(c.env ?? [], ...(spec?.env ?? []));
    const inits = (pod.spec.initContainers ??= []);
    const securityContext = ctx.inst.spec.initContainerSecurityContext ?? c.securityContext;
    if (!inits.some((i) => i.name === CLONE)) {
      (pod.spec.volumes ??= []).push({ name: CONF_VOLUME, emptyDir: { sizeLimit: spec?.volumeLimitSize || '200Mi' } });
      inits.push(cloneContainer(c, CLONE, ['cp', '-r', `${confDir}/.`, SOURCE_CONF_DIR], CONF_VOLUME, spec?.resourceRequirements));
      dropConfigMount(c, confDir);
      c.volumeMounts = [...(c.volumeMounts ?? []),
        { name: AGENT_VOLUME, mountPath: AGENT_DIR },
        { name: CONF_VOLUME, mountPath: confDir }];
    }
    if (!inits.some((i) => i.name === ATTACH)) {
      pod.spec.volumes!.push(instrumentationVolume(spec, AGENT_VOLUME));
      const attach = withOptional<Container>({ name: ATTACH }, { image: spec?.image });
      // `sh -c SCRIPT -- DIR`: the script sees the config directory as $1.
      attach.command = ['/bin/sh', '-c'];
      attach.args = [APACHE_HTTPD_AGENT_SCRIPT, '--', confDir];
      attach.env = attachContainerEnv(ctx, spec?.env, { name: 'OTEL_APACHE_AGENT_CONF', value: apacheConfig(ctx, c, spec?.version) },
        fieldRefEnv('APACHE_SERVICE_INSTANCE_ID', 'metadata.name'));
      withOptional(attach, { resources: spec?.resourceRequirements });
      attach.volumeMounts = [{ name: AGENT_VOLUME, mountPath: AGENT_DIR }, { name: CONF_VOLUME, mountPath: SOURCE_CONF_DIR }];
      withOptional(attach, { imagePullPolicy: ctx.inst.spec.imagePullPolicy });
      inits.push(attach);
    }
    for (const init of inits) {
      if (init.name !== CLONE && init.name !== ATTACH) continue;
      if (securityContext === undefined) delete init.securityContext;
      else init.securityContext = clone(securityContext);
    }
    injectCommonEnv(ctx.inst, c);
    injectCommonSdkConfig(ctx, c, c);
  }
}

/**
 * The agent configuration, as upstream's template writes it: its comment lines (the two commented-out
 * LoadModule examples included), then the sorted settings, where ResolveBackends and TraceAsError carry
 * upstream's " ON" (hence `ApacheModuleResolveBackends  ON`, two spaces) unless `attrs` replace them.
 */
function apacheConfig(ctx: LanguageContext, c: Container, version: string | undefined): string {
  const suffix = version === '2.2' ? '22' : '';
  const lib = (name: string) => `LoadFile ${AGENT_DIR}/sdk_lib/lib/libopentelemetry_${name}.so`;
  const module = (s: string) => `otel_apache_module ${AGENT_DIR}/WebServerModule/Apache/libmod_apache_otel${s}.so`;
  const lines = [
    '',
    '#Load the Otel Webserver SDK',
    ...['common', 'resources', 'trace', 'otlp_recordable', 'exporter_ostream_span', 'exporter_otlp_grpc'].map(lib),
    '#Load the Otel ApacheModule SDK',
    lib('webserver_sdk'),
    '#Load the Apache Module. In this example for Apache 2.4',
    `#LoadModule ${module('')}`,
    '#Load the Apache Module. In this example for Apache 2.2',
    `#LoadModule ${module('22')}`,
    `LoadModule ${module(suffix)}`,
    '#Attributes',
    ...webServerSettings(ctx, c, 'ApacheModule', 'apache-httpd', ctx.inst.spec.apacheHttpd?.attrs, { ResolveBackends: ' ON', TraceAsError: ' ON' })
      .map(([k, v]) => `${k} ${v}`),
  ];
  return lines.join('\n') + '\n';
}
