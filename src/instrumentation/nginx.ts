import { appendIfNotSet, fieldRefEnv } from './env';
import { appendToEnvValue, LanguageContext } from './language';
import { isInitContainer, withOptional } from './pod-utils';
import { injectCommonEnv, injectCommonSdkConfig } from './sdk-config';
import { Container } from './types';
import { NGINX_AGENT_SCRIPT, NGINX_CLONE_SCRIPT } from './scripts';
import { AGENT_DIR, attachContainerEnv, CLONE_CONTAINER_NAME, cloneContainer, dropConfigMount, SOURCE_CONF_DIR, webServerSettings } from './webserver';

const CLONE = CLONE_CONTAINER_NAME;
const ATTACH = 'otel-agent-attach-nginx';
const CONF_VOLUME = 'otel-nginx-conf-dir';
const AGENT_VOLUME = 'otel-nginx-agent';
const DEFAULT_CONFIG_FILE = '/etc/nginx/nginx.conf';
const LD_LIBRARY_PATH = 'LD_LIBRARY_PATH';

/**
 * Nginx: the same clone/attach pattern as Apache HTTPD, with unsized emptyDirs, the config directory taken
 * from `configFile`, the nginx version recorded by the clone, and LD_LIBRARY_PATH extended for the module.
 */
export function injectNginx(ctx: LanguageContext): void {
  const spec = ctx.inst.spec.nginx;
  const configFile = spec?.configFile || DEFAULT_CONFIG_FILE;
  const slash = configFile.lastIndexOf('/');
  const confDir = slash > 0 ? configFile.slice(0, slash) : slash === 0 ? '/' : '.';
  const confFile = configFile.slice(slash + 1);
  const pod = ctx.pod;
  for (const c of ctx.targets) {
    if (isInitContainer(pod, c.name)) {
      ctx.log(`Skipping Nginx injection into container ${c.name}: is init container`);
      continue;
    }
    c.env = appendIfNotSet(c.env ?? [], ...(spec?.env ?? []));
    const inits = (pod.spec.initContainers ??= []);
    if (!inits.some((i) => i.name === CLONE)) {
      (pod.spec.volumes ??= []).push({ name: CONF_VOLUME, emptyDir: {} });
      // `sh -c SCRIPT -- DIR`: the configured directory reaches the script as $1, never parsed by the shell.
      const clone = cloneContainer(c, CLONE, ['/bin/sh', '-c'], CONF_VOLUME, spec?.resourceRequirements);
      clone.args = [NGINX_CLONE_SCRIPT, '--', confDir];
      withOptional(clone, { securityContext: ctx.inst.spec.initContainerSecurityContext });
      inits.push(clone);
      dropConfigMount(c, confDir);
      c.volumeMounts = [...(c.volumeMounts ?? []),
        { name: AGENT_VOLUME, mountPath: AGENT_DIR },
        { name: CONF_VOLUME, mountPath: confDir }];
    }
    if (!inits.some((i) => i.name === ATTACH)) {
      pod.spec.volumes!.push({ name: AGENT_VOLUME, emptyDir: {} });
      const conf = webServerSettings(ctx, c, 'NginxModule', 'nginx', spec?.attrs).map(([k, v]) => `${k} ${v};\n`).join('');
      const attach = withOptional<Container>({ name: ATTACH }, { image: spec?.image });
      attach.command = ['/bin/sh', '-c'];
      attach.args = [NGINX_AGENT_SCRIPT, '--', confFile];
      attach.env = attachContainerEnv(ctx, spec?.env, { name: 'OTEL_NGINX_AGENT_CONF', value: conf },
        fieldRefEnv('OTEL_NGINX_SERVICE_INSTANCE_ID', 'metadata.name'));
      withOptional(attach, {
        resources: spec?.resourceRequirements,
      });
      attach.volumeMounts = [{ name: AGENT_VOLUME, mountPath: AGENT_DIR }, { name: CONF_VOLUME, mountPath: SOURCE_CONF_DIR }];
      withOptional(attach, { securityContext: ctx.inst.spec.initContainerSecurityContext ?? c.securityContext,
        imagePullPolicy: ctx.inst.spec.imagePullPolicy });
      inits.push(attach);
      // A valueFrom LD_LIBRARY_PATH is left alone: a value next to it would make the pod invalid.
      const lib = `${AGENT_DIR}/sdk_lib/lib`;
      appendToEnvValue(c, LD_LIBRARY_PATH, lib, (cur) => `${cur}:${lib}`);
    }
    injectCommonEnv(ctx.inst, c);
    injectCommonSdkConfig(ctx, c, c);
  }
}
