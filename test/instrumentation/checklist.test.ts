import { upgradeInstrumentation } from '../../src/instrumentation/upgrade';
import { validateInstrumentation } from '../../src/instrumentation/validate';
import { lookupFromObjects } from '../../src/instrumentation/lookup';
import { mutatePodInstrumentation } from '../../src/instrumentation/mutator';
import { container, deploymentPod, envMap, envNames, instrumentation, mutate, named, NS, P } from './support/fixtures';

/** spec/instrumentation.md §6: one test per row, named after it. */
describe('§6 behaviour checklist', () => {
  test('1 Java env order: NODE_IP, POD_IP, java.env, spec.env, JAVA_TOOL_OPTIONS, SERVICE_NAME=deployment, ENDPOINT, POD_NAME, NODE_NAME, PROPAGATORS "jaeger,b3", RESOURCE_ATTRIBUTES', () => {
    const inst = instrumentation('java', {
      env: [{ name: 'OTEL_TRACES_SAMPLER', value: 'always_on' }],
      exporter: { endpoint: 'http://collector:4318' },
      propagators: ['jaeger', 'b3'],
      java: { env: [{ name: 'OTEL_JAVAAGENT_DEBUG', value: 'true' }] },
    });
    const { pod } = mutate(deploymentPod({ [`${P}inject-java`]: 'true' }, [container('myapp')]), [inst]);
    const c = pod.spec.containers[0];
    expect(envNames(c)).toEqual(['OTEL_NODE_IP', 'OTEL_POD_IP', 'OTEL_JAVAAGENT_DEBUG', 'OTEL_TRACES_SAMPLER', 'JAVA_TOOL_OPTIONS',
      'OTEL_SERVICE_NAME', 'OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_RESOURCE_ATTRIBUTES_POD_NAME', 'OTEL_RESOURCE_ATTRIBUTES_NODE_NAME',
      'OTEL_PROPAGATORS', 'OTEL_RESOURCE_ATTRIBUTES']);
    expect(envMap(c)).toMatchObject({ OTEL_SERVICE_NAME: 'app', OTEL_PROPAGATORS: 'jaeger,b3',
      JAVA_TOOL_OPTIONS: ' -javaagent:/otel-auto-instrumentation-java-myapp/javaagent.jar' });
    expect(envMap(c).OTEL_RESOURCE_ATTRIBUTES).toBe('k8s.container.name=myapp,k8s.deployment.name=app,k8s.namespace.name=shop,'
      + 'k8s.node.name=$(OTEL_RESOURCE_ATTRIBUTES_NODE_NAME),k8s.pod.name=$(OTEL_RESOURCE_ATTRIBUTES_POD_NAME),'
      + 'k8s.replicaset.name=app-5d9f,service.instance.id=shop.$(OTEL_RESOURCE_ATTRIBUTES_POD_NAME).myapp,'
      + 'service.namespace=shop,service.version=1.0');
  });

  test('2 A `ns/name` value uses an Instrumentation in another namespace', () => {
    const other = instrumentation('shared', { exporter: { endpoint: 'http://elsewhere:4318' } }, 'observability');
    const { pod, error } = mutate(deploymentPod({ [`${P}inject-java`]: 'observability/shared' }, [container('myapp')]), [other]);
    expect(error).toBeUndefined();
    expect(envMap(pod.spec.containers[0]).OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://elsewhere:4318');
    // and a plain name is looked up in the pod's namespace only
    const missing = mutate(deploymentPod({ [`${P}inject-java`]: 'shared' }, [container('myapp')]), [other]);
    expect(missing.error).toContain('instrumentations.opentelemetry.io "shared" not found');
  });

  test('3 TLS certificate vars and read-only mounts', () => {
    const inst = instrumentation('tls', { exporter: { endpoint: 'https://collector:4317',
      tls: { secretName: 'client-certs', configMapName: 'ca', ca_file: 'ca.crt', cert_file: 'tls.crt', key_file: '/abs/tls.key' } } });
    const objects = [inst, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'client-certs', namespace: NS } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ca', namespace: NS } }];
    const { pod } = mutate(deploymentPod({ [`${P}inject-java`]: 'true' }, [container('myapp')]), objects);
    const c = pod.spec.containers[0];
    expect(envMap(c)).toMatchObject({
      OTEL_EXPORTER_OTLP_CERTIFICATE: '/otel-auto-instrumentation-configmap-ca/ca.crt',
      OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: '/otel-auto-instrumentation-secret-client-certs/tls.crt',
      OTEL_EXPORTER_OTLP_CLIENT_KEY: '/abs/tls.key',
    });
    expect(c.volumeMounts).toEqual(expect.arrayContaining([
      { name: 'otel-auto-secret-client-certs', mountPath: '/otel-auto-instrumentation-secret-client-certs', readOnly: true },
      { name: 'otel-auto-configmap-ca', mountPath: '/otel-auto-instrumentation-configmap-ca', readOnly: true }]));
    expect(pod.spec.volumes).toEqual(expect.arrayContaining([
      { name: 'otel-auto-secret-client-certs', secret: { secretName: 'client-certs' } },
      { name: 'otel-auto-configmap-ca', configMap: { name: 'ca' } }]));
    // missing Secret and ConfigMap: one error naming both, pod unchanged
    const missing = mutate(deploymentPod({ [`${P}inject-java`]: 'true' }, [container('myapp')]), [inst]);
    expect(missing.error).toContain('secret shop/client-certs with certificates does not exists');
    expect(missing.error).toContain('configmap shop/ca with CA certificate does not exists');
    expect(missing.pod.spec.initContainers).toBeUndefined();
  });

  test('4 container-names "a,b" injects both (per-container Java path); "a" alone leaves b untouched', () => {
    const inst = instrumentation('java');
    const both = mutate(deploymentPod({ [`${P}inject-java`]: 'true', [`${P}container-names`]: 'a,b' }, [container('a'), container('b')]), [inst]).pod;
    expect(envMap(named(both.spec.containers, 'a')).JAVA_TOOL_OPTIONS).toBe(' -javaagent:/otel-auto-instrumentation-java-a/javaagent.jar');
    expect(envMap(named(both.spec.containers, 'b')).JAVA_TOOL_OPTIONS).toBe(' -javaagent:/otel-auto-instrumentation-java-b/javaagent.jar');
    expect(both.spec.initContainers).toHaveLength(1);
    const onlyA = mutate(deploymentPod({ [`${P}inject-java`]: 'true', [`${P}container-names`]: 'a' }, [container('a'), container('b')]), [inst]).pod;
    expect(named(onlyA.spec.containers, 'b')).toEqual(container('b'));
  });

  test('5 Init-container target: the agent init container is inserted before it', () => {
    const inst = instrumentation('py');
    const pod = deploymentPod({ [`${P}inject-python`]: 'true', [`${P}container-names`]: 'migrate' }, [container('main')],
      { initContainers: [container('setup'), container('migrate')] });
    const out = mutate(pod, [inst]).pod;
    expect(out.spec.initContainers!.map((c) => c.name)).toEqual(['setup', 'opentelemetry-auto-instrumentation-python', 'migrate']);
    expect(envMap(named(out.spec.initContainers, 'migrate')).PYTHONPATH).toContain('/otel-auto-instrumentation-python');
    expect(out.spec.containers[0]).toEqual(container('main'));
  });

  test("6 NODE_OPTIONS plus OTEL_METRICS_EXPORTER; the user's NODE_PATH stays first", () => {
    const inst = instrumentation('node');
    const out = mutate(deploymentPod({ [`${P}inject-nodejs`]: 'true' },
      [container('app', { env: [{ name: 'NODE_PATH', value: '/usr/lib/node' }, { name: 'NODE_OPTIONS', value: '--max-old-space-size=256' }] })]), [inst]).pod;
    const c = out.spec.containers[0];
    expect(envNames(c).slice(0, 3)).toEqual(['OTEL_NODE_IP', 'OTEL_POD_IP', 'NODE_PATH']);
    expect(envMap(c)).toMatchObject({ NODE_OPTIONS: '--max-old-space-size=256 --require /otel-auto-instrumentation-nodejs/autoinstrumentation.js',
      OTEL_METRICS_EXPORTER: 'otlp' });
  });

  test('7 volumeClaimTemplate gives an `ephemeral` volume', () => {
    const vct = { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } };
    const out = mutate(deploymentPod({ [`${P}inject-nodejs`]: 'true' }, [container('app')]), [instrumentation('n', { nodejs: { volumeClaimTemplate: vct } })]).pod;
    expect(out.spec.volumes).toEqual([{ name: 'opentelemetry-auto-instrumentation-nodejs', ephemeral: { volumeClaimTemplate: vct } }]);
    const sized = mutate(deploymentPod({ [`${P}inject-nodejs`]: 'true' }, [container('app')]), [instrumentation('n', { nodejs: { volumeLimitSize: '500Mi' } })]).pod;
    expect(sized.spec.volumes).toEqual([{ name: 'opentelemetry-auto-instrumentation-nodejs', emptyDir: { sizeLimit: '500Mi' } }]);
  });

  test('8 python.env endpoint beats exporter.endpoint; a spec.env sampler suppresses the CR sampler and ARG', () => {
    const inst = instrumentation('py', {
      exporter: { endpoint: 'http://collector:4317' },
      sampler: { type: 'parentbased_traceidratio', argument: '0.25' },
      env: [{ name: 'OTEL_TRACES_SAMPLER', value: 'always_on' }],
      python: { env: [{ name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: 'http://collector:4318' }] },
    });
    const c = mutate(deploymentPod({ [`${P}inject-python`]: 'true' }, [container('app')]), [inst]).pod.spec.containers[0];
    expect(envMap(c).OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://collector:4318');
    expect(envMap(c).OTEL_TRACES_SAMPLER).toBe('always_on');
    expect(envNames(c)).not.toContain('OTEL_TRACES_SAMPLER_ARG');
    expect(envMap(c).OTEL_EXPORTER_OTLP_PROTOCOL).toBe('http/protobuf');
  });

  test('9 musl copy path; unsupported platform is an error', () => {
    const inst = instrumentation('py');
    const musl = mutate(deploymentPod({ [`${P}inject-python`]: 'true', [`${P}otel-python-platform`]: 'musl' }, [container('app')]), [inst]);
    expect(musl.pod.spec.initContainers![0].command).toEqual(['cp', '-r', '/autoinstrumentation-musl/.', '/otel-auto-instrumentation-python']);
    const bad = mutate(deploymentPod({ [`${P}inject-python`]: 'true', [`${P}otel-python-platform`]: 'windows' }, [container('app')]), [inst]);
    expect(bad.pod.spec.containers[0]).toEqual(container('app'));
    expect(bad.logs.join('\n')).toContain("instrumentation.opentelemetry.io/otel-python-platform annotation value 'windows' is not supported");
  });

  test('10 .NET glibc/musl profiler paths and the 7 vars', () => {
    const inst = instrumentation('net');
    const glibc = mutate(deploymentPod({ [`${P}inject-dotnet`]: 'true' }, [container('app')]), [inst]).pod.spec.containers[0];
    expect(envNames(glibc).slice(2, 9)).toEqual(['CORECLR_ENABLE_PROFILING', 'CORECLR_PROFILER', 'CORECLR_PROFILER_PATH',
      'DOTNET_STARTUP_HOOKS', 'DOTNET_ADDITIONAL_DEPS', 'OTEL_DOTNET_AUTO_HOME', 'DOTNET_SHARED_STORE']);
    expect(envMap(glibc).CORECLR_PROFILER_PATH).toBe('/otel-auto-instrumentation-dotnet/linux/OpenTelemetry.AutoInstrumentation.Native.so');
    const musl = mutate(deploymentPod({ [`${P}inject-dotnet`]: 'true', [`${P}otel-dotnet-auto-runtime`]: 'linux-musl-x64' }, [container('app')]), [inst]).pod.spec.containers[0];
    expect(envMap(musl).CORECLR_PROFILER_PATH).toBe('/otel-auto-instrumentation-dotnet/linux-musl/OpenTelemetry.AutoInstrumentation.Native.so');
  });

  test('11 .NET list vars appended with ":"; valueFrom and AUTO_HOME give errors', () => {
    const inst = instrumentation('net');
    const c = mutate(deploymentPod({ [`${P}inject-dotnet`]: 'true' }, [container('app', { env: [
      { name: 'DOTNET_STARTUP_HOOKS', value: '/mine.dll' }, { name: 'CORECLR_PROFILER', value: '{MINE}' }] })]), [inst]).pod.spec.containers[0];
    expect(envMap(c).DOTNET_STARTUP_HOOKS).toBe('/mine.dll:/otel-auto-instrumentation-dotnet/net/OpenTelemetry.AutoInstrumentation.StartupHook.dll');
    expect(envMap(c).CORECLR_PROFILER).toBe('{MINE}');
    const fromRef = mutate(deploymentPod({ [`${P}inject-dotnet`]: 'true' }, [container('app', { env: [
      { name: 'DOTNET_SHARED_STORE', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }] })]), [inst]);
    expect(fromRef.pod.spec.containers[0].env).toHaveLength(1);
    expect(fromRef.logs.join()).toContain('the container defines env var value via ValueFrom, envVar: DOTNET_SHARED_STORE');
    const home = mutate(deploymentPod({ [`${P}inject-dotnet`]: 'true' }, [container('app', { env: [{ name: 'OTEL_DOTNET_AUTO_HOME', value: '/x' }] })]), [inst]);
    expect(home.logs.join()).toContain('OTEL_DOTNET_AUTO_HOME environment variable is already set in the container');
  });

  test('12 Go sidecar, kernel-debug volume, exe from the annotation; no exe means the pod is unchanged', () => {
    const inst = instrumentation('go', { go: { env: [{ name: 'OTEL_GO_AUTO_TARGET_EXE', value: '/from-spec' }] } });
    const out = mutate(deploymentPod({ [`${P}inject-go`]: 'true', [`${P}otel-go-auto-target-exe`]: '/app/server' }, [container('app')]), [inst]).pod;
    expect(out.spec.shareProcessNamespace).toBe(true);
    const agent = named(out.spec.containers, 'opentelemetry-auto-instrumentation');
    expect(envNames(agent).slice(0, 3)).toEqual(['OTEL_NODE_IP', 'OTEL_POD_IP', 'OTEL_GO_AUTO_TARGET_EXE']);
    expect(envMap(agent).OTEL_GO_AUTO_TARGET_EXE).toBe('/app/server');
    expect(agent.securityContext).toEqual({ runAsUser: 0, privileged: true });
    expect(agent.volumeMounts).toEqual([{ mountPath: '/sys/kernel/debug', name: 'kernel-debug' }]);
    expect(out.spec.volumes).toEqual([{ name: 'kernel-debug', hostPath: { path: '/sys/kernel/debug' } }]);
    expect(envMap(agent).OTEL_SERVICE_NAME).toBe('app');
    const noExe = deploymentPod({ [`${P}inject-go`]: 'true' }, [container('app')]);
    expect(mutate(noExe, [instrumentation('go')]).pod).toEqual(noExe);
  });

  test('13 Go + Python through per-language names', () => {
    const inst = instrumentation('multi');
    const out = mutate(deploymentPod({ [`${P}inject-go`]: 'true', [`${P}go-container-names`]: 'goapp',
      [`${P}inject-python`]: 'true', [`${P}python-container-names`]: 'pyapp', [`${P}otel-go-auto-target-exe`]: '/usr/bin/app' },
    [container('goapp'), container('pyapp')]), [inst]).pod;
    expect(out.spec.containers.map((c) => c.name)).toEqual(['goapp', 'pyapp', 'opentelemetry-auto-instrumentation']);
    expect(envMap(named(out.spec.containers, 'opentelemetry-auto-instrumentation')).OTEL_RESOURCE_ATTRIBUTES).toContain('k8s.container.name=goapp');
    expect(envMap(named(out.spec.containers, 'pyapp')).PYTHONPATH).toBeDefined();
    expect(named(out.spec.containers, 'goapp')).toEqual(container('goapp'));
  });

  test('14 Apache clone/attach; lifecycle dropped; `$(OTEL_NODE_IP)` endpoint expanded', () => {
    const inst = instrumentation('apache', { exporter: { endpoint: 'http://$(OTEL_NODE_IP):4317' },
      apacheHttpd: { attrs: [{ name: 'ApacheModuleOtelMaxQueueSize', value: '4096' }] } });
    const app = container('httpd', { lifecycle: { postStart: { exec: { command: ['true'] } } }, readinessProbe: { httpGet: { port: 80 } },
      volumeMounts: [{ name: 'conf', mountPath: '/usr/local/apache2/conf/httpd.conf', subPath: 'httpd.conf' }] });
    const out = mutate(deploymentPod({ [`${P}inject-apache-httpd`]: 'true' }, [app]), [inst]).pod;
    const [clone, attach] = out.spec.initContainers!;
    expect(clone.name).toBe('otel-agent-source-container-clone');
    expect(clone.lifecycle).toBeUndefined();
    expect(clone.readinessProbe).toBeUndefined();
    expect(clone.command).toEqual(['cp', '-r', '/usr/local/apache2/conf/.', '/opt/opentelemetry-webserver/source-conf']);
    expect(attach.name).toBe('otel-agent-attach-apache');
    expect(envNames(attach)).toEqual(['OTEL_POD_IP', 'OTEL_NODE_IP', 'OTEL_APACHE_AGENT_CONF', 'APACHE_SERVICE_INSTANCE_ID']);
    const conf = envMap(attach).OTEL_APACHE_AGENT_CONF!;
    expect(conf).toContain('ApacheModuleOtelExporterEndpoint http://$(OTEL_NODE_IP):4317');
    expect(conf).toContain('ApacheModuleOtelMaxQueueSize 4096');
    expect(conf).toContain('ApacheModuleServiceName app');
    expect(conf).toContain('LoadModule otel_apache_module /opt/opentelemetry-webserver/agent/WebServerModule/Apache/libmod_apache_otel.so');
    const mounts = out.spec.containers[0].volumeMounts!.map((m) => `${m.name}:${m.mountPath}`);
    expect(mounts).toEqual(['otel-apache-agent:/opt/opentelemetry-webserver/agent', 'otel-apache-conf-dir:/usr/local/apache2/conf']);
  });

  test('15 Nginx LD_LIBRARY_PATH `/opt:`+agent lib; the conf subPath mount is replaced', () => {
    const inst = instrumentation('nginx');
    const app = container('web', { env: [{ name: 'LD_LIBRARY_PATH', value: '/opt' }],
      volumeMounts: [{ name: 'nginx-conf', mountPath: '/etc/nginx/nginx.conf', subPath: 'nginx.conf' }] });
    const out = mutate(deploymentPod({ [`${P}inject-nginx`]: 'true' }, [app]), [inst]).pod;
    const c = out.spec.containers[0];
    expect(envMap(c).LD_LIBRARY_PATH).toBe('/opt:/opt/opentelemetry-webserver/agent/sdk_lib/lib');
    expect(c.volumeMounts!.map((m) => `${m.name}:${m.mountPath}`)).toEqual(['otel-nginx-agent:/opt/opentelemetry-webserver/agent', 'otel-nginx-conf-dir:/etc/nginx']);
    expect(out.spec.initContainers!.map((i) => i.name)).toEqual(['otel-agent-source-container-clone', 'otel-agent-attach-nginx']);
    expect(out.spec.volumes).toEqual([{ name: 'otel-nginx-conf-dir', emptyDir: {} }, { name: 'otel-nginx-agent', emptyDir: {} }]);
  });

  test('16 SDK-only: env only, sampler plus ARG', () => {
    const inst = instrumentation('sdk', { sampler: { type: 'parentbased_traceidratio', argument: '0.25' } });
    const out = mutate(deploymentPod({ [`${P}inject-sdk`]: 'true' }, [container('app')]), [inst]).pod;
    expect(out.spec.initContainers).toBeUndefined();
    expect(out.spec.volumes).toBeUndefined();
    expect(envMap(out.spec.containers[0])).toMatchObject({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' });
  });

  test('17 7 languages on 7 containers; language env wins over the derived name', () => {
    const langs = ['java', 'nodejs', 'python', 'dotnet', 'go', 'apache-httpd', 'nginx'];
    const spec: { [k: string]: unknown } = {};
    for (const l of ['java', 'nodejs', 'python', 'dotnet', 'go', 'apacheHttpd', 'nginx']) spec[l] = { env: [{ name: 'OTEL_SERVICE_NAME', value: `${l}-svc` }] };
    const annotations: { [k: string]: string } = { [`${P}otel-go-auto-target-exe`]: '/app' };
    for (const l of langs) {
      annotations[`${P}inject-${l}`] = 'true';
      annotations[l === 'nginx' ? `${P}inject-nginx-container-names` : `${P}${l}-container-names`] = `${l}-app`;
    }
    const out = mutate(deploymentPod(annotations, langs.map((l) => container(`${l}-app`))), [instrumentation('multi', spec)]).pod;
    expect(out.spec.initContainers!.map((i) => i.name)).toEqual(['opentelemetry-auto-instrumentation-java', 'opentelemetry-auto-instrumentation-nodejs',
      'opentelemetry-auto-instrumentation-python', 'opentelemetry-auto-instrumentation-dotnet',
      // Apache and nginx share the clone's name upstream, so nginx finds it present and adds only its attach container.
      'otel-agent-source-container-clone', 'otel-agent-attach-apache', 'otel-agent-attach-nginx']);
    expect(envMap(named(out.spec.containers, 'java-app')).OTEL_SERVICE_NAME).toBe('java-svc');
    expect(envMap(named(out.spec.containers, 'opentelemetry-auto-instrumentation')).OTEL_SERVICE_NAME).toBe('go-svc');
  });

  test('18 2 languages without names: nothing injected', () => {
    const pod = deploymentPod({ [`${P}inject-java`]: 'true', [`${P}inject-python`]: 'true' }, [container('a'), container('b')]);
    const result = mutate(pod, [instrumentation('x')]);
    expect(result.pod).toEqual(pod);
    expect(result.error).toBeUndefined();
    expect(result.logs.join()).toContain('please provide container names for all instrumentations');
  });

  test('19 1 language without names: first container only', () => {
    const out = mutate(deploymentPod({ [`${P}inject-java`]: 'true' }, [container('a'), container('b')]), [instrumentation('x')]).pod;
    expect(envMap(out.spec.containers[0]).JAVA_TOOL_OPTIONS).toBeDefined();
    expect(out.spec.containers[1]).toEqual(container('b'));
  });

  test('20 Service name from the Deployment, Job or CronJob owner', () => {
    const inst = instrumentation('sdk');
    const deployment = mutate(deploymentPod({ [`${P}inject-sdk`]: 'true' }, [container('c')]), [inst]).pod;
    expect(envMap(deployment.spec.containers[0]).OTEL_SERVICE_NAME).toBe('app');
    const jobPod = (job: string) => ({ ...deploymentPod({ [`${P}inject-sdk`]: 'true' }, [container('c')]),
      metadata: { namespace: NS, annotations: { [`${P}inject-sdk`]: 'true' }, ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: job }] } });
    const cron = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'nightly-29000000', namespace: NS,
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'nightly' }] } };
    const lookup = lookupFromObjects([inst, cron], NS);
    expect(envMap(mutatePodInstrumentation(jobPod('once'), lookup).pod.spec.containers[0]).OTEL_SERVICE_NAME).toBe('once');
    const cronOut = mutatePodInstrumentation(jobPod('nightly-29000000'), lookup).pod.spec.containers[0];
    expect(envMap(cronOut).OTEL_SERVICE_NAME).toBe('nightly');
    expect(envMap(cronOut).OTEL_RESOURCE_ATTRIBUTES).toContain('k8s.cronjob.name=nightly,k8s.job.name=nightly-29000000');
  });

  test('21 useLabels: service.name from the label; annotation attributes added', () => {
    const inst = instrumentation('sdk', { defaults: { useLabelsForResourceAttributes: true } });
    const pod = deploymentPod({ [`${P}inject-sdk`]: 'true', 'resource.opentelemetry.io/foo': 'bar' }, [container('c')]);
    pod.metadata.labels = { 'app.kubernetes.io/name': 'labelled', 'app.kubernetes.io/version': '2.0' };
    const c = mutate(pod, [inst]).pod.spec.containers[0];
    expect(envMap(c).OTEL_SERVICE_NAME).toBe('labelled');
    expect(envMap(c).OTEL_RESOURCE_ATTRIBUTES).toContain('foo=bar');
    expect(envMap(c).OTEL_RESOURCE_ATTRIBUTES).toContain('service.version=2.0');
  });

  test('22 Blocked upgrade: warnings and the status map', () => {
    const blocked = instrumentation('blocked-upgrade-test', { sampler: { type: 'always_on' },
      dotnet: { image: 'ghcr.io/open-telemetry/opentelemetry-operator/autoinstrumentation-dotnet:1.2.0' },
      java: { image: 'ghcr.io/open-telemetry/opentelemetry-operator/autoinstrumentation-java:1.33.6' } });
    const warnings = validateInstrumentation(blocked).warnings.filter((w) => w.includes('cannot be automatically upgraded'));
    expect(warnings).toHaveLength(2);
    // defaulted with old images, then the operator starts with new defaults
    const oldJava = 'ghcr.io/open-telemetry/opentelemetry-operator/autoinstrumentation-java:1.33.6';
    const oldDotnet = 'ghcr.io/open-telemetry/opentelemetry-operator/autoinstrumentation-dotnet:1.2.0';
    const oldNode = 'ghcr.io/open-telemetry/opentelemetry-operator/autoinstrumentation-nodejs:0.40.0';
    const stamped = { ...instrumentation('upgrade-test', { java: { image: oldJava }, dotnet: { image: oldDotnet }, nodejs: { image: oldNode } }) };
    stamped.metadata.annotations = {
      'instrumentation.opentelemetry.io/default-auto-instrumentation-java-image': oldJava,
      'instrumentation.opentelemetry.io/default-auto-instrumentation-dotnet-image': oldDotnet,
      'instrumentation.opentelemetry.io/default-auto-instrumentation-nodejs-image': oldNode,
    };
    const up = upgradeInstrumentation(stamped);
    expect((up.instrumentation.status as { upgradeBlockedVersions: unknown }).upgradeBlockedVersions).toEqual({
      dotnet: 'Automated upgrade blocked for dotnet: .NET instrumentation 1.3.0 contains breaking HTTP semantic convention changes. See https://opentelemetry.io/blog/2023/http-conventions-declared-stable/ for a general description of the changes. To upgrade, manually set the image on this Instrumentation resource to 1.3.0 or higher.',
      java: 'Automated upgrade blocked for java: Java instrumentation 2.0.0 contains breaking HTTP semantic convention changes. See https://opentelemetry.io/blog/2023/http-conventions-declared-stable/ for a general description of the changes. To upgrade, manually set the image on this Instrumentation resource to 2.0.0 or higher.',
    });
    expect(up.instrumentation.spec.java!.image).toBe(oldJava);
    expect(up.instrumentation.spec.nodejs!.image).toBe('ghcr.io/open-telemetry/opentelemetry-operator/autoinstrumentation-nodejs:0.78.0');
  });
});
