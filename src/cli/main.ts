import { Writable } from 'node:stream';
import { Command, CommanderError, Option } from 'commander';
import { runDevCluster } from './dev-cluster';
import { runInject } from './inject';
import { runCrds, runInstall } from './install';
import { CliIo, EXIT_CODES_HELP, EXIT_OK, EXIT_USAGE, processIo, reportError } from './io';
import { parseOperatorFlags, runOperator } from './operator';
import { runRender } from './render';
import { runTargetAllocator } from './target-allocator';

export { EXIT_INVALID_INPUT, EXIT_OK, EXIT_USAGE } from './io';

/**
 * Entry point of the `cdk8s-otel` command. Returns the process exit code instead of exiting, so tests can
 * call it in-process with their own `io`.
 */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  let exitCode = EXIT_OK;
  const program = new Command('cdk8s-otel')
    .description('The OpenTelemetry Operator for Kubernetes, as cdk8s constructs: render, inject, target allocator')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', `\n${EXIT_CODES_HELP}`);

  program.command('render')
    .description('print the objects the operator would create for the custom resources in FILE')
    .requiredOption('-f, --file <file>', 'multi-document YAML with OpenTelemetryCollector resources, a folder of them (every *.yaml, *.yml, *.json, in name order), or - for stdin')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['yaml', 'json']).default('yaml'))
    .option('-n, --namespace <namespace>', 'namespace of resources that name none', 'default')
    .option('--collector-image <image>', 'collector image where spec.image is empty (the operator\'s --collector-image)')
    .option('--openshift-routes', 'the target cluster serves OpenShift Routes (route.openshift.io): render them for ingress.type route', false)
    .option('--strict', 'exit 1 and print nothing on any warning, e.g. a config with no pipelines or an undefined component (for CI)', false)
    .addHelpText('after', `\n${EXIT_CODES_HELP}`)
    .action(async (opts) => {
      exitCode = await runRender({
        file: opts.file, output: opts.output, namespace: opts.namespace, collectorImage: opts.collectorImage, openshiftRoutes: opts.openshiftRoutes,
        strict: opts.strict,
      }, io);
    });

  program.command('inject')
    .description('print the pods of the workloads in FILE as the pod admission webhook would admit them '
      + '(owner references without a uid, e.g. to the ReplicaSet a Deployment would create, are left out so the pods can be applied)')
    .requiredOption('-f, --file <file>', 'multi-document YAML with workloads/pods and the Instrumentations, collectors and Namespaces they use, a folder of them, or - for stdin')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['yaml', 'json']).default('yaml'))
    .option('-n, --namespace <namespace>', 'namespace of objects that name none', 'default')
    .option('--enable <lang...>', 'enable languages beyond the defaults, e.g. go nginx apache-httpd, or lang=false to disable one')
    .option('--native-sidecars', 'inject the collector as a native sidecar (init container with restartPolicy Always)', false)
    .option('--strict', 'exit 1 and print nothing on any warning, e.g. a pod left uninstrumented (for CI)', false)
    .addHelpText('after', `\n${EXIT_CODES_HELP}`)
    .action(async (opts) => {
      exitCode = await runInject({
        file: opts.file, output: opts.output, namespace: opts.namespace, enable: opts.enable, nativeSidecars: opts.nativeSidecars, strict: opts.strict,
      }, io);
    });

  program.command('target-allocator')
    .description('run the target allocator: static, file and Kubernetes discovery; collectors listed or discovered from their pods')
    .option('-c, --config <file>', 'config file in the format of upstream\'s targetallocator.yaml (upstream\'s path by default)', '/conf/targetallocator.yaml')
    .option('--listen <addr>', 'listen address, overrides listen_addr (e.g. 127.0.0.1:8080)')
    .option('--kubeconfig <file>', 'kubeconfig outside a cluster, overrides kube_config_file_path (default: $KUBECONFIG, ~/.kube/config, then in-cluster)')
    .addHelpText('after', `\n${EXIT_CODES_HELP}`)
    .action(async (opts) => {
      exitCode = await runTargetAllocator({ config: opts.config, listen: opts.listen, kubeconfig: opts.kubeconfig }, { stdout: writableOf(io.stdout), stderr: writableOf(io.stderr) });
    });

  program.command('install')
    .description('print everything that runs the operator in a cluster: kubectl apply -f <(cdk8s-otel install)')
    .option('-n, --namespace <namespace>', 'namespace of the operator', 'opentelemetry-operator-system')
    .option('--watch-namespace <ns,...>', 'watch only these namespaces (Roles there instead of a ClusterRole); may repeat', collect)
    .option('--image <image>', 'the operator image (default: the one npm run image builds)')
    .option('--cert-manager', 'let cert-manager issue the webhook certificate and inject the CA bundles', false)
    .option('--replicas <n>', 'operator pods (more than 1: spread over nodes, leader election)', '1')
    .option('--collector-image <image>', 'collector image where spec.image is empty')
    .option('--service-monitor', 'add a ServiceMonitor for the operator metrics (needs the Prometheus Operator CRDs)', false)
    .option('--no-crds', 'leave the CustomResourceDefinitions out (install them with cdk8s-otel crds)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['yaml', 'json']).default('yaml'))
    .addHelpText('after', `\n${EXIT_CODES_HELP}`)
    .action((opts) => {
      exitCode = runInstall({
        namespace: opts.namespace, watchNamespace: opts.watchNamespace, image: opts.image, certManager: opts.certManager,
        replicas: opts.replicas, collectorImage: opts.collectorImage, serviceMonitor: opts.serviceMonitor, crds: opts.crds, output: opts.output,
      }, io);
    });

  program.command('crds')
    .description('print the CustomResourceDefinitions (each small enough for client-side kubectl apply)')
    .option('-n, --namespace <namespace>', 'namespace of the operator (where the conversion webhook is called)', 'opentelemetry-operator-system')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['yaml', 'json']).default('yaml'))
    .addHelpText('after', `\n${EXIT_CODES_HELP}`)
    .action((opts) => {
      exitCode = runCrds({ namespace: opts.namespace, output: opts.output }, io);
    });

  program.command('dev-cluster')
    .description('run a local kube-apiserver + etcd (optionally controllers and kwok fake nodes) until Ctrl-C; no Docker needed')
    .option('--nodes <n>', 'kwok fake nodes to create', '0')
    .option('--with-controllers', 'run kube-controller-manager and kube-scheduler', false)
    .option('--real-node', 'also run a real node: kubelet, containerd, kube-proxy and CoreDNS in a network namespace of our own, with a local image registry (root; implies --with-controllers)', false)
    .option('--node-images <ids>', 'images for the real node\'s registry, comma-separated ids or "all"', 'pause,busybox,otelcol,telemetrygen')
    .option('--bin-dir <dir>', 'folder with the binaries (default: $KUBEBUILDER_ASSETS, then the build cache)')
    .option('--keep-dir', 'keep certificates, kubeconfig and logs after stopping', false)
    .addHelpText('after', `\n${EXIT_CODES_HELP}`)
    .action(async (opts) => {
      exitCode = await runDevCluster({
        nodes: opts.nodes, withControllers: opts.withControllers, binDir: opts.binDir, keepDir: opts.keepDir,
        realNode: opts.realNode, nodeImages: opts.nodeImages,
        out: (l) => io.stdout(l + '\n'), err: (l) => io.stderr(l + '\n'),
      });
    });

  program.command('operator')
    .description('run the operator: reconcile OpenTelemetryCollector and TargetAllocator resources on a cluster until Ctrl-C')
    .option('--kubeconfig <file>', 'kubeconfig to use outside a cluster (default: in-cluster service account, then $KUBECONFIG, ~/.kube/config)')
    .option('--collector-image <image>', 'default collector image (env RELATED_IMAGE_COLLECTOR)')
    .option('--target-allocator-image <image>', 'default target allocator image (env RELATED_IMAGE_TARGET_ALLOCATOR)')
    .option('--auto-instrumentation-java-image <image>').option('--auto-instrumentation-nodejs-image <image>')
    .option('--auto-instrumentation-python-image <image>').option('--auto-instrumentation-dotnet-image <image>')
    .option('--auto-instrumentation-go-image <image>').option('--auto-instrumentation-apache-httpd-image <image>')
    .option('--auto-instrumentation-nginx-image <image>')
    .addOption(new Option('--enable-go-instrumentation [bool]', 'enable Go auto-instrumentation').argParser(parseBool))
    .addOption(new Option('--enable-nginx-instrumentation [bool]').argParser(parseBool))
    .addOption(new Option('--enable-apache-httpd-instrumentation [bool]').argParser(parseBool))
    .addOption(new Option('--enable-java-instrumentation [bool]').argParser(parseBool))
    .addOption(new Option('--enable-nodejs-instrumentation [bool]').argParser(parseBool))
    .addOption(new Option('--enable-python-instrumentation [bool]').argParser(parseBool))
    .addOption(new Option('--enable-dotnet-instrumentation [bool]').argParser(parseBool))
    .addOption(new Option('--enable-multi-instrumentation [bool]').argParser(parseBool))
    .option('--metrics-addr <addr>', '/metrics address, 0 to turn off', ':8443')
    .option('--health-probe-addr <addr>', '/healthz and /readyz address, 0 to turn off', ':8081')
    .option('--webhook-port <port>', 'webhook server port', '9443')
    .option('--webhook-host <host>', 'webhook server address (127.0.0.1 when a local kube-apiserver calls it by URL)')
    .option('--webhook-cert-dir <dir>', 'serve cert-manager\'s certificate mounted here (tls.crt, tls.key) instead of our own')
    .option('--webhook-cert-secret <name>', 'serve cert-manager\'s certificate from this Secret instead of our own')
    .option('--webhook-secret <name>', 'the Secret holding our own webhook CA and certificate (read only when cert-manager\'s)', 'opentelemetry-operator-controller-manager-service-cert')
    .option('--webhook-namespace <ns>', 'namespace of the webhook Secret and Service (default: $POD_NAMESPACE, the in-cluster one)')
    .option('--webhook-service <name>', 'the webhook Service', 'opentelemetry-operator-webhook-service')
    .option('--webhook-cert-validity <duration>', 'lifetime of our own serving certificate (renewed at two thirds)', '8760h')
    .addOption(new Option('--enable-webhooks [bool]', 'serve the admission and conversion webhooks').argParser(parseBool))
    .addOption(new Option('--enable-leader-election [bool]', 'run the controllers only while holding the Lease').argParser(parseBool))
    .option('--leader-election-namespace <ns>', 'namespace of the Lease (default: $POD_NAMESPACE, the in-cluster namespace)')
    .option('--watch-namespace <list>', 'comma-separated namespaces to watch (env WATCH_NAMESPACE; default all)')
    .option('--labels-filter <regex...>', 'CR label keys not copied to the objects')
    .option('--annotations-filter <regex...>', 'CR annotation keys not copied to the objects')
    .option('--feature-gates <list>', 'e.g. -operand.networkpolicy,operator.targetallocator.fallbackstrategy')
    .option('--fips-disabled-components <list>', 'on a FIPS host, reject collectors using these, e.g. receiver.otlp,exporter.debug (env FIPS_DISABLED_COMPONENTS)')
    .option('--sync-period <duration>', 'reconcile every CR again this often', '10h')
    .option('--watch-timeout <duration>', 'the API server ends each watch after this long; it resumes where it was (or relists on 410 Gone)', '5m')
    .option('--concurrency <n>', 'reconciles at the same time per controller', '4')
    .option('--log-level <level>', 'debug, info, warn or error', 'info')
    .action(async (opts) => {
      let config;
      try {
        config = parseOperatorFlags(opts);
      } catch (e) {
        io.stderr(`cdk8s-otel operator: ${(e as Error).message}\n`);
        exitCode = EXIT_USAGE;
        return;
      }
      exitCode = await runOperator(config, io);
    });

  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version exit 0; a missing command or a bad option is wrong usage
      return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    // the commands report their own errors; this is the net under them: one line, never a stack trace
    return reportError('cdk8s-otel', err, io);
  }
  return exitCode;
}

/** A stream that hands what is written to `write` (the target allocator logs to streams). */
function writableOf(write: (text: string) => void): Writable {
  return new Writable({
    write(chunk, _encoding, done) {
      write(String(chunk));
      done();
    },
  });
}

/** Commander's way to let an option repeat. */
function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** `--flag`, `--flag=true`, `--flag=false` (upstream's Go boolean flags). */
function parseBool(value: string | undefined): boolean {
  if (value === undefined || value === 'true') return true;
  if (value === 'false') return false;
  throw new CommanderError(EXIT_USAGE, 'commander.invalidArgument', `expected true or false, got ${value}`);
}
