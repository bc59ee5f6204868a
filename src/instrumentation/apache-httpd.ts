import { appendIfNotSet, fieldRefEnv } from './env';
import { LanguageContext } from './language';
import { clone, instrumentationVolume, isInitContainer, withOptional } from './pod-utils';
import { injectCommonEnv, injectCommonSdkConfig } from './sdk-config';
import { AGENT_DIR, APACHE_ATTACH_CONTAINER_NAME, CLONE_CONTAINER_NAME, cloneContainer, dropConfigMount, SID_PLACEHOLDER, SOURCE_CONF_DIR, webServerSettings } from './webserver';
import { Container, EnvVar } from './types';

const CLONE = CLONE_CONTAINER_NAME;
const ATTACH = APACHE_ATTACH_CONTAINER_NAME;
const CONF_VOLUME = 'otel-apache-conf-dir';
const AGENT_VOLUME = 'otel-apache-agent';
const AGENT_CONF_FILE = 'opentemetry_agent.conf'; // sic: upstream's file name, kept so existing images keep working
const DEFAULT_CONFIG_PATH = '/usr/local/apache2/conf';

/**
 * The attach script: copies the agent, writes its log config and our module config (with the pod name as
 * instance id), and makes httpd.conf include it. `$1` is the Apache config directory.
 */
const ATTACH_SCRIPT = [
  'set -e',
  `cp -r /opt/opentelemetry/* ${AGENT_DIR}`,
  `agentLogDir=$(echo "${AGENT_DIR}/logs" | sed 's,/,\\\\/,g')`,
  `sed "s/__agent_log_dir__/\${agentLogDir}/g" ${AGENT_DIR}/conf/opentelemetry_sdk_log4cxx.xml.template > ${AGENT_DIR}/conf/opentelemetry_sdk_log4cxx.xml`,
  `echo "$OTEL_APACHE_AGENT_CONF" > ${SOURCE_CONF_DIR}/${AGENT_CONF_FILE}`,
  `sed -i "s/${SID_PLACEHOLDER}/\${APACHE_SERVICE_INSTANCE_ID}/g" ${SOURCE_CONF_DIR}/${AGENT_CONF_FILE}`,
  `printf '\\nInclude %s/${AGENT_CONF_FILE}\\n' "$1" >> ${SOURCE_CONF_DIR}/httpd.conf`,
].join('\n');

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
      const module = spec?.version === '2.2' ? 'libmod_apache_otel22.so' : 'libmod_apache_otel.so';
      const env: EnvVar[] = appendIfNotSet([], ...(spec?.env ?? []), ...(ctx.inst.spec.env ?? []),
        fieldRefEnv('OTEL_POD_IP', 'status.podIP'), fieldRefEnv('OTEL_NODE_IP', 'status.hostIP'));
      env.push({ name: 'OTEL_APACHE_AGENT_CONF', value: apacheConfig(ctx, c, module) });
      env.push(fieldRefEnv('APACHE_SERVICE_INSTANCE_ID', 'metadata.name'));
      const attach = withOptional<Container>({ name: ATTACH }, { image: spec?.image });
      // `sh -c SCRIPT -- DIR`: the script sees the config directory as $1.
      attach.command = ['/bin/sh', '-c'];
      attach.args = [ATTACH_SCRIPT, '--', confDir];
      attach.env = env;
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

function apacheConfig(ctx: LanguageContext, c: Container, module: string): string {
  const lib = `${AGENT_DIR}/sdk_lib/lib`;
  const lines = [
    '',
    '#Load the Otel Webserver SDK',
    ...['common', 'resources', 'trace', 'otlp_recordable', 'exporter_ostream_span', 'exporter_otlp_grpc', 'webserver_sdk']
      .map((l) => `LoadFile ${lib}/libopentelemetry_${l}.so`),
    `LoadModule otel_apache_module ${AGENT_DIR}/WebServerModule/Apache/${module}`,
    '#Attributes',
    ...webServerSettings(ctx, c, 'ApacheModule', 'apache-httpd', ctx.inst.spec.apacheHttpd?.attrs).map(([k, v]) => `${k} ${v}`),
  ];
  return lines.join('\n') + '\n';
}
