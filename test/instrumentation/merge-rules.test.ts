import { lookupFromObjects } from '../../src/instrumentation/lookup';
import { mutatePodInstrumentation } from '../../src/instrumentation/mutator';
import { Pod } from '../../src/instrumentation/types';
import { ALL_ON, container, deploymentPod, envMap, envNames, instrumentation, mutate, named, NS, P } from './support/fixtures';

/**
 * Env merge rules, name derivation and pod layout details that upstream users see in their pods
 * (spec/instrumentation.md §2–§4), beyond the §6 checklist rows.
 */

const fromField = (name: string) => ({ name, valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } });

describe('language env merge rules', () => {
  test('Java: an existing JAVA_TOOL_OPTIONS gets the agent (and the extensions property) appended after a space', () => {
    const inst = instrumentation('j', { java: { extensions: [{ image: 'ext:1', dir: '/ext' }] } });
    const c = mutate(deploymentPod({ [`${P}inject-java`]: 'true' },
      [container('app', { env: [{ name: 'JAVA_TOOL_OPTIONS', value: '-Xmx512m' }] })]), [inst]).pod.spec.containers[0];
    expect(envMap(c).JAVA_TOOL_OPTIONS).toBe('-Xmx512m -javaagent:/otel-auto-instrumentation-java-app/javaagent.jar'
      + ' -Dotel.javaagent.extensions=/otel-auto-instrumentation-java-app/extensions');
    expect(envNames(c).filter((n) => n === 'JAVA_TOOL_OPTIONS')).toHaveLength(1);
  });

  test('Java: JAVA_TOOL_OPTIONS from valueFrom skips the container (logged); the init container and volume are still added', () => {
    const app = container('app', { env: [fromField('JAVA_TOOL_OPTIONS')] });
    const r = mutate(deploymentPod({ [`${P}inject-java`]: 'true' }, [app]), [instrumentation('j')]);
    expect(r.error).toBeUndefined();
    expect(r.pod.spec.containers[0]).toEqual(app);
    expect(r.logs.join('\n')).toContain('Skipping javaagent injection into container app: the container defines env var value via ValueFrom, envVar: JAVA_TOOL_OPTIONS');
    expect(r.pod.spec.initContainers!.map((i) => i.name)).toEqual(['opentelemetry-auto-instrumentation-java']);
    expect(r.pod.spec.volumes!.map((v) => v.name)).toEqual(['opentelemetry-auto-instrumentation-java']);
  });

  test('Java extensions: one init container each, after the agent, with the Java resources and no pull policy', () => {
    const resources = { limits: { cpu: '1' }, requests: { cpu: '10m' } };
    const inst = instrumentation('j', { imagePullPolicy: 'Always', java: {
      resources, extensions: [{ image: 'ext-a:1', dir: '/a' }, { image: 'ext-b:1', dir: '/b' }] } });
    const inits = mutate(deploymentPod({ [`${P}inject-java`]: 'true' }, [container('app')]), [inst]).pod.spec.initContainers!;
    expect(inits.map((i) => i.name)).toEqual(['opentelemetry-auto-instrumentation-java',
      'opentelemetry-auto-instrumentation-extension-0', 'opentelemetry-auto-instrumentation-extension-1']);
    expect(inits[0]).toMatchObject({ imagePullPolicy: 'Always', resources });
    expect(inits[2]).toEqual({ name: 'opentelemetry-auto-instrumentation-extension-1', image: 'ext-b:1',
      command: ['cp', '-r', '/b/.', '/otel-auto-instrumentation-java/extensions'], resources,
      volumeMounts: [{ name: 'opentelemetry-auto-instrumentation-java', mountPath: '/otel-auto-instrumentation-java' }] });
  });

  test('NodeJS: NODE_OPTIONS from valueFrom skips the container; a user OTEL_METRICS_EXPORTER is kept', () => {
    const skipped = mutate(deploymentPod({ [`${P}inject-nodejs`]: 'true' }, [container('app', { env: [fromField('NODE_OPTIONS')] })]), [instrumentation('n')]);
    expect(skipped.pod.spec.containers[0].env).toEqual([fromField('NODE_OPTIONS')]);
    expect(skipped.logs.join('\n')).toContain('envVar: NODE_OPTIONS');
    const kept = mutate(deploymentPod({ [`${P}inject-nodejs`]: 'true' },
      [container('app', { env: [{ name: 'OTEL_METRICS_EXPORTER', value: 'none' }] })]), [instrumentation('n')]).pod.spec.containers[0];
    expect(envMap(kept).OTEL_METRICS_EXPORTER).toBe('none');
    expect(envMap(kept).NODE_OPTIONS).toBe(' --require /otel-auto-instrumentation-nodejs/autoinstrumentation.js');
  });

  test('Python: an existing PYTHONPATH sits between the auto-instrumentation prefix and the package dir; valueFrom skips', () => {
    const c = mutate(deploymentPod({ [`${P}inject-python`]: 'true' }, [container('app', { env: [
      { name: 'PYTHONPATH', value: '/app/lib' }, { name: 'OTEL_TRACES_EXPORTER', value: 'console' }] })]), [instrumentation('p')]).pod.spec.containers[0];
    expect(envMap(c).PYTHONPATH).toBe('/otel-auto-instrumentation-python/opentelemetry/instrumentation/auto_instrumentation:/app/lib:/otel-auto-instrumentation-python');
    expect(envMap(c)).toMatchObject({ OTEL_TRACES_EXPORTER: 'console', OTEL_METRICS_EXPORTER: 'otlp', OTEL_LOGS_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' });
    const fresh = mutate(deploymentPod({ [`${P}inject-python`]: 'true' }, [container('app')]), [instrumentation('p')]).pod.spec.containers[0];
    expect(envMap(fresh).PYTHONPATH).toBe('/otel-auto-instrumentation-python/opentelemetry/instrumentation/auto_instrumentation:/otel-auto-instrumentation-python');
    // PYTHONPATH is set right after the language env, before the common env and the exporters
    expect(envNames(fresh).slice(0, 3)).toEqual(['OTEL_NODE_IP', 'OTEL_POD_IP', 'PYTHONPATH']);
    const skipped = mutate(deploymentPod({ [`${P}inject-python`]: 'true' }, [container('app', { env: [fromField('PYTHONPATH')] })]), [instrumentation('p')]);
    expect(skipped.pod.spec.containers[0].env).toEqual([fromField('PYTHONPATH')]);
  });

  test('.NET: OTEL_DOTNET_AUTO_HOME in dotnet.env skips the container; unknown runtime is logged naming the annotation', () => {
    const inEnv = mutate(deploymentPod({ [`${P}inject-dotnet`]: 'true' }, [container('app')]),
      [instrumentation('d', { dotnet: { env: [{ name: 'OTEL_DOTNET_AUTO_HOME', value: '/x' }] } })]);
    expect(inEnv.pod.spec.containers[0]).toEqual(container('app'));
    expect(inEnv.logs.join('\n')).toContain('OTEL_DOTNET_AUTO_HOME environment variable is already set in the .NET instrumentation spec');
    const bad = mutate(deploymentPod({ [`${P}inject-dotnet`]: 'true', [`${P}otel-dotnet-auto-runtime`]: 'win-x64' }, [container('app')]), [instrumentation('d')]);
    expect(bad.pod.spec.containers[0]).toEqual(container('app'));
    expect(bad.logs.join('\n')).toContain("instrumentation.opentelemetry.io/otel-dotnet-auto-runtime annotation value 'win-x64' is not supported");
  });

  test('precedence: original env > language env > spec.env > operator-generated', () => {
    const inst = instrumentation('p', {
      exporter: { endpoint: 'http://cr:4317' },
      env: [{ name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: 'http://spec-env:4317' }, { name: 'A', value: 'spec' }],
      java: { env: [{ name: 'A', value: 'java' }, { name: 'B', value: 'java' }] },
    });
    const c = mutate(deploymentPod({ [`${P}inject-java`]: 'true' }, [container('app', { env: [{ name: 'B', value: 'mine' }] })]), [inst]).pod.spec.containers[0];
    expect(envMap(c)).toMatchObject({ A: 'java', B: 'mine', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://spec-env:4317' });
  });
});

/** A pod owned directly by `kind/name`, no lookup objects for it. */
function ownedPod(annotations: { [k: string]: string }, owner?: { kind: string; name: string }, extra: Partial<Pod['metadata']> = {}): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { namespace: NS, annotations, ...(owner ? { ownerReferences: [{ apiVersion: 'apps/v1', ...owner }] } : {}), ...extra },
    spec: { containers: [container('app')] },
  };
}

function sdkEnv(pod: Pod, spec = {}): { [name: string]: string | undefined } {
  const out = mutatePodInstrumentation(pod, lookupFromObjects([instrumentation('sdk', spec)], NS), ALL_ON);
  expect(out.error).toBeUndefined();
  return envMap(out.pod.spec.containers[0]);
}

describe('OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES derivation', () => {
  const SDK = { [`${P}inject-sdk`]: 'true' };

  test('service name: the annotation beats the labels, app.kubernetes.io/instance beats app.kubernetes.io/name; labels only with useLabels', () => {
    const labels = { 'app.kubernetes.io/instance': 'inst', 'app.kubernetes.io/name': 'name' };
    const useLabels = { defaults: { useLabelsForResourceAttributes: true } };
    expect(sdkEnv(ownedPod({ ...SDK, 'resource.opentelemetry.io/service.name': 'annotated' }, undefined, { labels }), useLabels).OTEL_SERVICE_NAME).toBe('annotated');
    expect(sdkEnv(ownedPod(SDK, undefined, { labels }), useLabels).OTEL_SERVICE_NAME).toBe('inst');
    expect(sdkEnv(ownedPod(SDK, undefined, { labels: { 'app.kubernetes.io/name': 'name' } }), useLabels).OTEL_SERVICE_NAME).toBe('name');
    expect(sdkEnv(ownedPod(SDK, { kind: 'StatefulSet', name: 'db' }, { labels })).OTEL_SERVICE_NAME).toBe('db');
  });

  test('service name from the owner: StatefulSet, DaemonSet, a ReplicaSet whose Deployment is unknown; else the pod name, else the container name', () => {
    expect(sdkEnv(ownedPod(SDK, { kind: 'StatefulSet', name: 'db' })).OTEL_SERVICE_NAME).toBe('db');
    expect(sdkEnv(ownedPod(SDK, { kind: 'DaemonSet', name: 'agent' })).OTEL_SERVICE_NAME).toBe('agent');
    const rsOnly = sdkEnv(ownedPod(SDK, { kind: 'ReplicaSet', name: 'orphan-rs' }));
    expect(rsOnly.OTEL_SERVICE_NAME).toBe('orphan-rs');
    expect(rsOnly.OTEL_RESOURCE_ATTRIBUTES).toContain('k8s.replicaset.name=orphan-rs');
    expect(sdkEnv(ownedPod(SDK, undefined, { name: 'standalone' })).OTEL_SERVICE_NAME).toBe('standalone');
    expect(sdkEnv(ownedPod(SDK)).OTEL_SERVICE_NAME).toBe('app');
    expect(sdkEnv(ownedPod(SDK, { kind: 'DaemonSet', name: 'agent' })).OTEL_RESOURCE_ATTRIBUTES).toContain('k8s.daemonset.name=agent');
  });

  test('an OTEL_SERVICE_NAME already set, even to an empty string, is kept', () => {
    const pod = ownedPod(SDK, { kind: 'StatefulSet', name: 'db' });
    pod.spec.containers[0].env = [{ name: 'OTEL_SERVICE_NAME', value: '' }];
    const c = mutatePodInstrumentation(pod, lookupFromObjects([instrumentation('sdk')], NS)).pod.spec.containers[0];
    expect(c.env!.filter((e) => e.name === 'OTEL_SERVICE_NAME')).toEqual([{ name: 'OTEL_SERVICE_NAME', value: '' }]);
  });

  test('pod resource.opentelemetry.io/* annotations beat derived values; service.name is not an attribute; service.namespace and service.version annotations', () => {
    const attrs = sdkEnv(ownedPod({ ...SDK, 'resource.opentelemetry.io/k8s.container.name': 'renamed',
      'resource.opentelemetry.io/service.name': 'svc', 'resource.opentelemetry.io/service.namespace': 'team-a',
      'resource.opentelemetry.io/service.version': '9.9' }, { kind: 'StatefulSet', name: 'db' })).OTEL_RESOURCE_ATTRIBUTES!;
    expect(attrs.split(',')).toEqual(expect.arrayContaining(['k8s.container.name=renamed', 'service.namespace=team-a', 'service.version=9.9',
      'k8s.statefulset.name=db']));
    expect(attrs).not.toContain('service.name=');
    expect(attrs.split(',').map((kv) => kv.split('=')[0])).toEqual([...attrs.split(',').map((kv) => kv.split('=')[0])].sort());
  });

  test('keys and service.version already in the container OTEL_RESOURCE_ATTRIBUTES are not added again', () => {
    const pod = ownedPod(SDK, { kind: 'StatefulSet', name: 'db' });
    pod.spec.containers[0].env = [{ name: 'OTEL_RESOURCE_ATTRIBUTES', value: 'service.version=mine,k8s.statefulset.name=x,' }];
    const attrs = envMap(mutatePodInstrumentation(pod, lookupFromObjects([instrumentation('sdk')], NS)).pod.spec.containers[0]).OTEL_RESOURCE_ATTRIBUTES!;
    expect(attrs.startsWith('service.version=mine,k8s.statefulset.name=x,k8s.container.name=app,')).toBe(true);
    expect(attrs.match(/service\.version/g)).toHaveLength(1);
    expect(attrs.match(/k8s\.statefulset\.name/g)).toHaveLength(1);
  });

  test('a known node name and pod name are used as is, without the downward-API variables for the node', () => {
    const pod = ownedPod(SDK, undefined, { name: 'fixed' });
    pod.spec.nodeName = 'node-1';
    const out = mutatePodInstrumentation(pod, lookupFromObjects([instrumentation('sdk')], NS)).pod.spec.containers[0];
    expect(envNames(out)).not.toContain('OTEL_RESOURCE_ATTRIBUTES_NODE_NAME');
    expect(envMap(out).OTEL_RESOURCE_ATTRIBUTES).toContain('k8s.node.name=node-1');
    // the pod name always comes from the downward API
    expect(envMap(out).OTEL_RESOURCE_ATTRIBUTES).toContain('k8s.pod.name=$(OTEL_RESOURCE_ATTRIBUTES_POD_NAME)');
  });
});

describe('container selection annotations', () => {
  test('container-names from the namespace applies to pods without one', () => {
    const nsObj = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS, annotations: { [`${P}container-names`]: 'b' } } };
    const out = mutate(deploymentPod({ [`${P}inject-java`]: 'true' }, [container('a'), container('b')]), [instrumentation('j'), nsObj]).pod;
    expect(named(out.spec.containers, 'a')).toEqual(container('a'));
    expect(envMap(named(out.spec.containers, 'b')).JAVA_TOOL_OPTIONS).toBeDefined();
  });

  test('per-language lists are appended to container-names; unknown names are ignored', () => {
    const out = mutate(deploymentPod({ [`${P}inject-java`]: 'true', [`${P}container-names`]: 'a',
      [`${P}java-container-names`]: 'b,ghost' }, [container('a'), container('b'), container('c')]), [instrumentation('j')]).pod;
    expect(envMap(named(out.spec.containers, 'a')).JAVA_TOOL_OPTIONS).toBeDefined();
    expect(envMap(named(out.spec.containers, 'b')).JAVA_TOOL_OPTIONS).toBeDefined();
    expect(named(out.spec.containers, 'c')).toEqual(container('c'));
  });

  test('a language with names and one without: the pod is left unchanged, without an error', () => {
    const pod = deploymentPod({ [`${P}inject-java`]: 'true', [`${P}java-container-names`]: 'a', [`${P}inject-python`]: 'true' },
      [container('a'), container('b')]);
    const r = mutate(pod, [instrumentation('x')]);
    expect(r.pod).toEqual(pod);
    expect(r.error).toBeUndefined();
  });

  test('a duplicate inside one language list: unchanged, logged with the names', () => {
    const pod = deploymentPod({ [`${P}inject-java`]: 'true', [`${P}java-container-names`]: 'a,a' }, [container('a')]);
    const r = mutate(pod, [instrumentation('x')]);
    expect(r.pod).toEqual(pod);
    expect(r.logs.join('\n')).toContain('duplicated container names detected: [a]');
  });

  test('an invalid per-language list is an error naming the annotation; the pod is unchanged', () => {
    const pod = deploymentPod({ [`${P}inject-python`]: 'true', [`${P}python-container-names`]: 'a;b' }, [container('a')]);
    const r = mutate(pod, [instrumentation('x')]);
    expect(r.pod).toEqual(pod);
    expect(r.error).toContain(`${P}python-container-names`);
    expect(r.error).toContain('comma-separated list of container names');
  });
});

describe('volumes and init containers', () => {
  test('emptyDir sizeLimit defaults to 200Mi for each copy-agent language', () => {
    for (const lang of ['java', 'nodejs', 'python', 'dotnet']) {
      const out = mutate(deploymentPod({ [`${P}inject-${lang}`]: 'true' }, [container('app')]), [instrumentation('x')]).pod;
      expect(out.spec.volumes).toEqual([{ name: `opentelemetry-auto-instrumentation-${lang}`, emptyDir: { sizeLimit: '200Mi' } }]);
      expect(out.spec.initContainers![0].volumeMounts).toEqual([{ name: `opentelemetry-auto-instrumentation-${lang}`, mountPath: `/otel-auto-instrumentation-${lang}` }]);
    }
  });

  test('init container resources come from `resources` for Java and `resourceRequirements` for the others', () => {
    const res = { limits: { cpu: '2', memory: '1Gi' }, requests: { cpu: '1', memory: '512Mi' } };
    const java = mutate(deploymentPod({ [`${P}inject-java`]: 'true' }, [container('app')]), [instrumentation('x', { java: { resources: res } })]).pod;
    expect(java.spec.initContainers![0].resources).toEqual(res);
    const py = mutate(deploymentPod({ [`${P}inject-python`]: 'true' }, [container('app')]), [instrumentation('x', { python: { resourceRequirements: res } })]).pod;
    expect(py.spec.initContainers![0].resources).toEqual(res);
    const pyDefault = mutate(deploymentPod({ [`${P}inject-python`]: 'true' }, [container('app')]), [instrumentation('x')]).pod;
    expect(pyDefault.spec.initContainers![0].resources).toEqual({ limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '50m', memory: '64Mi' } });
  });

  test('apache: conf-dir emptyDir takes volumeLimitSize; the agent volume takes the claim template', () => {
    const vct = { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } };
    const sized = mutate(deploymentPod({ [`${P}inject-apache-httpd`]: 'true' }, [container('httpd')]),
      [instrumentation('a', { apacheHttpd: { volumeLimitSize: '300Mi' } })]).pod;
    expect(sized.spec.volumes).toEqual([{ name: 'otel-apache-conf-dir', emptyDir: { sizeLimit: '300Mi' } },
      { name: 'otel-apache-agent', emptyDir: { sizeLimit: '300Mi' } }]);
    const claimed = mutate(deploymentPod({ [`${P}inject-apache-httpd`]: 'true' }, [container('httpd')]),
      [instrumentation('a', { apacheHttpd: { volumeClaimTemplate: vct } })]).pod;
    expect(claimed.spec.volumes).toEqual([{ name: 'otel-apache-conf-dir', emptyDir: { sizeLimit: '200Mi' } },
      { name: 'otel-apache-agent', ephemeral: { volumeClaimTemplate: vct } }]);
  });

  test('apache version 2.2 and a custom configPath', () => {
    const out = mutate(deploymentPod({ [`${P}inject-apache-httpd`]: 'true' }, [container('httpd')]),
      [instrumentation('a', { apacheHttpd: { version: '2.2', configPath: '/opt/httpd/conf' } })]).pod;
    const [clone, attach] = out.spec.initContainers!;
    expect(clone.command).toEqual(['cp', '-r', '/opt/httpd/conf/.', '/opt/opentelemetry-webserver/source-conf']);
    expect(attach.args!.slice(1)).toEqual(['--', '/opt/httpd/conf']);
    expect(envMap(attach).OTEL_APACHE_AGENT_CONF).toContain('WebServerModule/Apache/libmod_apache_otel22.so');
    expect(out.spec.containers[0].volumeMounts).toContainEqual({ name: 'otel-apache-conf-dir', mountPath: '/opt/httpd/conf' });
  });

  test('nginx: a custom configFile mounts its directory and hands the basename to the attach script', () => {
    const out = mutate(deploymentPod({ [`${P}inject-nginx`]: 'true' }, [container('web')]),
      [instrumentation('n', { nginx: { configFile: '/usr/local/nginx/conf/main.conf' } })]).pod;
    const attach = named(out.spec.initContainers, 'otel-agent-attach-nginx');
    expect(attach.args!.slice(1)).toEqual(['--', 'main.conf']);
    expect(named(out.spec.initContainers, 'otel-agent-source-container-clone').args!.slice(1)).toEqual(['--', '/usr/local/nginx/conf']);
    expect(out.spec.containers[0].volumeMounts).toContainEqual({ name: 'otel-nginx-conf-dir', mountPath: '/usr/local/nginx/conf' });
  });

  test('nginx: LD_LIBRARY_PATH is set alone when absent; a valueFrom one is left alone (a value beside it would make the pod invalid)', () => {
    const fresh = mutate(deploymentPod({ [`${P}inject-nginx`]: 'true' }, [container('web')]), [instrumentation('n')]).pod.spec.containers[0];
    expect(envMap(fresh).LD_LIBRARY_PATH).toBe('/opt/opentelemetry-webserver/agent/sdk_lib/lib');
    const ref = { name: 'LD_LIBRARY_PATH', valueFrom: { configMapKeyRef: { name: 'libs', key: 'path' } } };
    const kept = mutate(deploymentPod({ [`${P}inject-nginx`]: 'true' }, [container('web', { env: [ref] })]), [instrumentation('n')]).pod.spec.containers[0];
    expect(kept.env!.filter((e) => e.name === 'LD_LIBRARY_PATH')).toEqual([ref]);
  });

  test('exporter TLS volume names are cut to 63 characters; mount paths keep the full name', () => {
    const long = 'a-very-long-secret-name-that-goes-on-and-on-and-on-forever-and-ever';
    const inst = instrumentation('t', { exporter: { endpoint: 'https://c:4317', tls: { secretName: long, ca_file: 'ca.crt' } } });
    const out = mutate(deploymentPod({ [`${P}inject-sdk`]: 'true' }, [container('app')]),
      [inst, { apiVersion: 'v1', kind: 'Secret', metadata: { name: long, namespace: NS } }]).pod;
    const vol = out.spec.volumes![0];
    expect(vol.name.length).toBeLessThanOrEqual(63);
    expect(vol.name.startsWith('otel-auto-secret-a-very-long')).toBe(true);
    expect(out.spec.containers[0].volumeMounts).toEqual([{ name: vol.name, mountPath: `/otel-auto-instrumentation-secret-${long}`, readOnly: true }]);
    expect(envMap(out.spec.containers[0]).OTEL_EXPORTER_OTLP_CERTIFICATE).toBe(`/otel-auto-instrumentation-secret-${long}/ca.crt`);
  });
});

describe('Go', () => {
  const GO = { [`${P}inject-go`]: 'true', [`${P}otel-go-auto-target-exe`]: '/app' };

  test('shareProcessNamespace explicitly false: Go is skipped with a log', () => {
    const pod = deploymentPod(GO, [container('app')], { shareProcessNamespace: false });
    const r = mutate(pod, [instrumentation('g')]);
    expect(r.pod).toEqual(pod);
    expect(r.logs.join('\n')).toContain('shared process namespace has been explicitly disabled');
  });

  test('more than one container in go-container-names: Go is skipped', () => {
    const pod = deploymentPod({ ...GO, [`${P}go-container-names`]: 'a,b' }, [container('a'), container('b')]);
    const r = mutate(pod, [instrumentation('g')]);
    expect(r.pod.spec.containers.map((c) => c.name)).toEqual(['a', 'b']);
    expect(r.logs.join('\n')).toContain('multiple containers configured');
  });

  test('go.securityContext, resources and the pull policy go on the agent; the target exe annotation beats go.env', () => {
    const inst = instrumentation('g', { imagePullPolicy: 'Never', go: { securityContext: { privileged: true }, resourceRequirements: { limits: { cpu: '1' } },
      env: [{ name: 'OTEL_GO_AUTO_TARGET_EXE', value: '/from-env' }] } });
    const agent = named(mutate(deploymentPod(GO, [container('app')]), [inst]).pod.spec.containers, 'opentelemetry-auto-instrumentation');
    expect(agent).toMatchObject({ securityContext: { privileged: true }, resources: { limits: { cpu: '1' } }, imagePullPolicy: 'Never' });
    expect(agent.env!.filter((e) => e.name === 'OTEL_GO_AUTO_TARGET_EXE')).toEqual([{ name: 'OTEL_GO_AUTO_TARGET_EXE', value: '/app' }]);
  });

  test('the exe from go.env alone is enough', () => {
    const inst = instrumentation('g', { go: { env: [{ name: 'OTEL_GO_AUTO_TARGET_EXE', value: '/from-env' }] } });
    const out = mutate(deploymentPod({ [`${P}inject-go`]: 'true' }, [container('app')]), [inst]).pod;
    expect(envMap(named(out.spec.containers, 'opentelemetry-auto-instrumentation')).OTEL_GO_AUTO_TARGET_EXE).toBe('/from-env');
  });
});

describe('errors leave the pod unchanged and say what to do', () => {
  const cases: Array<[string, Pod, string[]]> = [
    ['an unknown instance', deploymentPod({ [`${P}inject-java`]: 'missing' }, [container('app')]),
      [`${P}inject-java`, 'instrumentations.opentelemetry.io "missing" not found', 'create it or fix the annotation value']],
    ['"true" without an Instrumentation', deploymentPod({ [`${P}inject-nodejs`]: 'other/x' }, [container('app')]),
      [`${P}inject-nodejs`, 'not found']],
    ['an invalid container-names value', deploymentPod({ [`${P}inject-sdk`]: 'true', [`${P}container-names`]: 'a b' }, [container('app')]),
      [`${P}container-names`, 'not valid characters']],
  ];
  test.each(cases)('%s', (_name, pod, fragments) => {
    const r = mutatePodInstrumentation(pod, lookupFromObjects([instrumentation('only')], NS), ALL_ON);
    expect(r.pod).toEqual(pod);
    for (const f of fragments) expect(r.error).toContain(f);
  });
});
