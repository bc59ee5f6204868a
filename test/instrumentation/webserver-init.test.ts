/**
 * The Apache HTTPD and Nginx init containers as upstream's pod webhook writes them (issue 14 #28, #30, #31),
 * and the Java extension containers' security context (#29). The script and config bytes are pinned: a
 * SHA-256 of upstream's internal/instrumentation/scripts/*.sh, and the agent configuration text in full.
 */
import { createHash } from 'node:crypto';
import { Container, InstrumentationSpec } from '../../src/instrumentation/types';
import { container, deploymentPod, envMap, envNames, instrumentation, mutate, named, P } from './support/fixtures';

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const nodeIp = { name: 'OTEL_NODE_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } };

describe('Apache HTTPD init containers (issue 14 #30, #31)', () => {
  const inst = instrumentation('apache', { exporter: { endpoint: 'http://otlp-endpoint:4317' } });
  const out = mutate(deploymentPod({ [`${P}inject-apache-httpd`]: 'true' }, [container('httpd')]), [inst]).pod;
  const attach = named(out.spec.initContainers, 'otel-agent-attach-apache');

  test('the attach container runs upstream\'s scripts/apache_httpd_agent.sh with the config directory as $1', () => {
    expect(attach.command).toEqual(['/bin/sh', '-c']);
    const [script, ...rest] = attach.args!;
    expect(rest).toEqual(['--', '/usr/local/apache2/conf']);
    expect(script.startsWith('#!/bin/sh\n# Init container script for Apache HTTPD auto-instrumentation.\n')).toBe(true);
    expect(script).toContain('\necho "${OTEL_APACHE_AGENT_CONF}" > /opt/opentelemetry-webserver/source-conf/opentemetry_agent.conf\n');
    expect(script).toContain('\nprintf \'\\nInclude %s/opentemetry_agent.conf\\n\' "$apache_conf_dir" \\\n');
    expect([script.length, sha256(script).slice(0, 16)]).toEqual([2195, 'd850e5e5af601b07']);
  });

  test('the agent configuration is upstream\'s text: comment lines, both commented LoadModule examples, " ON" values', () => {
    const lib = '/opt/opentelemetry-webserver/agent/sdk_lib/lib';
    const mod = '/opt/opentelemetry-webserver/agent/WebServerModule/Apache';
    expect(envMap(attach).OTEL_APACHE_AGENT_CONF).toBe([
      '',
      '#Load the Otel Webserver SDK',
      `LoadFile ${lib}/libopentelemetry_common.so`,
      `LoadFile ${lib}/libopentelemetry_resources.so`,
      `LoadFile ${lib}/libopentelemetry_trace.so`,
      `LoadFile ${lib}/libopentelemetry_otlp_recordable.so`,
      `LoadFile ${lib}/libopentelemetry_exporter_ostream_span.so`,
      `LoadFile ${lib}/libopentelemetry_exporter_otlp_grpc.so`,
      '#Load the Otel ApacheModule SDK',
      `LoadFile ${lib}/libopentelemetry_webserver_sdk.so`,
      '#Load the Apache Module. In this example for Apache 2.4',
      `#LoadModule otel_apache_module ${mod}/libmod_apache_otel.so`,
      '#Load the Apache Module. In this example for Apache 2.2',
      `#LoadModule otel_apache_module ${mod}/libmod_apache_otel22.so`,
      `LoadModule otel_apache_module ${mod}/libmod_apache_otel.so`,
      '#Attributes',
      'ApacheModuleEnabled ON',
      'ApacheModuleOtelExporterEndpoint http://otlp-endpoint:4317',
      'ApacheModuleOtelSpanExporter otlp',
      'ApacheModuleResolveBackends  ON',
      'ApacheModuleServiceInstanceId <<SID-PLACEHOLDER>>',
      'ApacheModuleServiceName app',
      'ApacheModuleServiceNamespace shop',
      'ApacheModuleTraceAsError  ON',
      '',
    ].join('\n'));
  });

  test('version 2.2 loads the 22 module; attrs replace the " ON" defaults', () => {
    const v22 = instrumentation('apache', { apacheHttpd: { version: '2.2', attrs: [{ name: 'ApacheModuleTraceAsError', value: 'OFF' }] } });
    const conf = envMap(named(mutate(deploymentPod({ [`${P}inject-apache-httpd`]: 'true' }, [container('httpd')]), [v22]).pod.spec.initContainers,
      'otel-agent-attach-apache')).OTEL_APACHE_AGENT_CONF!;
    expect(conf).toContain('\nLoadModule otel_apache_module /opt/opentelemetry-webserver/agent/WebServerModule/Apache/libmod_apache_otel22.so\n');
    expect(conf).toContain('\nApacheModuleTraceAsError OFF\n');
    expect(conf).toContain('\nApacheModuleResolveBackends  ON\n');
  });
});

describe('Nginx init containers (issue 14 #28, #30)', () => {
  const inst = instrumentation('nginx', {
    exporter: { endpoint: 'http://$(OTEL_NODE_IP):4317' },
    env: [nodeIp, { name: 'OTEL_TRACES_SAMPLER', value: 'always_on' }],
    nginx: { configFile: '/opt/nginx/custom-nginx.conf', env: [{ name: 'NGINX_ONLY', value: 'x' }, { name: 'OTEL_TRACES_SAMPLER', value: 'always_off' }] },
  });
  const out = mutate(deploymentPod({ [`${P}inject-nginx`]: 'true' }, [container('web')]), [inst]).pod;
  const clone = named(out.spec.initContainers, 'otel-agent-source-container-clone');
  const attach = named(out.spec.initContainers, 'otel-agent-attach-nginx');

  test('a clone of an app container without env has no env: [] (Go\'s nil list is omitted)', () => {
    const plain = mutate(deploymentPod({ [`${P}inject-nginx`]: 'true' }, [container('web')]), [instrumentation('nginx')]).pod;
    expect(named(plain.spec.initContainers, 'otel-agent-source-container-clone')).not.toHaveProperty('env');
  });

  test('the clone runs upstream\'s scripts/nginx_clone.sh (cp -r dir/*) with the config directory as $1', () => {
    expect(clone.command).toEqual(['/bin/sh', '-c']);
    const [script, ...rest] = clone.args!;
    expect(rest).toEqual(['--', '/opt/nginx']);
    expect(script).toContain('\ncp -r "$nginx_conf_dir"/* /opt/opentelemetry-webserver/source-conf\n');
    expect([script.length, sha256(script).slice(0, 16)]).toEqual([1054, 'f010422ee6b97545']);
  });

  test('the attach container runs upstream\'s scripts/nginx_agent.sh (set -x, echo) with the file name as $1', () => {
    expect(attach.command).toEqual(['/bin/sh', '-c']);
    const [script, ...rest] = attach.args!;
    expect(rest).toEqual(['--', 'custom-nginx.conf']);
    expect(script).toContain('\nset -e\nset -x\n');
    expect(script).toContain('\necho "${OTEL_NGINX_AGENT_CONF}" > /opt/opentelemetry-webserver/source-conf/opentelemetry_agent.conf\n');
    expect(script).not.toContain('printf \'%b\'');
    expect([script.length, sha256(script).slice(0, 16)]).toEqual([2579, '56b7358e415f5dd4']);
  });

  test('the attach container gets the user env before the agent config, so the kubelet expands $(OTEL_NODE_IP)', () => {
    expect(envNames(attach)).toEqual(['NGINX_ONLY', 'OTEL_TRACES_SAMPLER', 'OTEL_NODE_IP', 'OTEL_POD_IP',
      'OTEL_NGINX_AGENT_CONF', 'OTEL_NGINX_SERVICE_INSTANCE_ID']);
    expect(attach.env![1]).toEqual({ name: 'OTEL_TRACES_SAMPLER', value: 'always_off' });
    expect(attach.env![2]).toEqual(nodeIp);
    expect(attach.env![3]).toEqual({ name: 'OTEL_POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } });
    expect(envMap(attach).OTEL_NGINX_AGENT_CONF).toContain('NginxModuleOtelExporterEndpoint http://$(OTEL_NODE_IP):4317;\n');
  });

  test('without any env the attach container still defines both IPs first', () => {
    const plain = mutate(deploymentPod({ [`${P}inject-nginx`]: 'true' }, [container('web')]), [instrumentation('nginx')]).pod;
    expect(envNames(named(plain.spec.initContainers, 'otel-agent-attach-nginx')))
      .toEqual(['OTEL_POD_IP', 'OTEL_NODE_IP', 'OTEL_NGINX_AGENT_CONF', 'OTEL_NGINX_SERVICE_INSTANCE_ID']);
  });
});

describe('Java extension init containers (issue 14 #29)', () => {
  const restricted = { runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } };
  const java = { extensions: [{ image: 'ext-a:1', dir: '/a' }, { image: 'ext-b:1', dir: '/b' }] };
  const inits = (spec: InstrumentationSpec, app: Container) =>
    mutate(deploymentPod({ [`${P}inject-java`]: 'true' }, [app]), [instrumentation('j', spec)]).pod.spec.initContainers!;

  test('get the app container\'s securityContext, like the agent\'s init container', () => {
    const list = inits({ java }, container('app', { securityContext: restricted }));
    expect(list.map((c) => [c.name, c.securityContext])).toEqual([
      ['opentelemetry-auto-instrumentation-java', restricted],
      ['opentelemetry-auto-instrumentation-extension-0', restricted],
      ['opentelemetry-auto-instrumentation-extension-1', restricted],
    ]);
  });

  test('initContainerSecurityContext wins for all of them', () => {
    const own = { runAsUser: 1001, runAsNonRoot: true };
    const list = inits({ java, initContainerSecurityContext: own }, container('app', { securityContext: restricted }));
    expect(list.map((c) => c.securityContext)).toEqual([own, own, own]);
  });
});
