/**
 * Cases whose outcome static evaluation cannot decide, each with the reason found by reading the case.
 * Their steps are still run and printed (the object checks inside them are useful), but the case counts as
 * SKIP, not as passed or failed. Keys are `<suite>/<case>`.
 */

export enum Reach {
  /** The case checks what running containers do (telemetry received, metrics served, HTTP answers). */
  REAL_CONTAINERS = 'needs running pods/containers',
  /** The case inspects or changes the installed operator itself (its Deployment, logs, metrics, status writes). */
  LIVE_OPERATOR = 'needs the live operator',
  /** The case checks API-server admission with impersonated users (RBAC, SubjectAccessReview). */
  API_SERVER = 'needs a real API server',
}

export interface OutOfReach {
  readonly reach: Reach;
  readonly reason: string;
}

const TELEMETRY = 'sends HTTP requests to the instrumented app and checks the collector received its telemetry '
  + '(step templates app-http-request, wait-for-telemetry, validate-collector-*)';

const TA_SCRAPE_CONFIGS = 'a Job curls the running target allocator\'s /scrape_configs';

export const OUT_OF_REACH: Readonly<Record<string, OutOfReach>> = {
  'e2e/collector-internal-metrics': { reach: Reach.REAL_CONTAINERS, reason: 'generates telemetry with a Job, then scrapes the collector pod\'s :8888/metrics through the API proxy' },
  'e2e/filelog-receiver': { reach: Reach.REAL_CONTAINERS, reason: 'reads otelcol_receiver_accepted_log_records from the sidecar collector\'s metrics endpoint' },
  'e2e/ingress-subdomains': { reach: Reach.REAL_CONTAINERS, reason: 'curls the collector through an ingress controller on 127.0.0.1' },
  'e2e/operator-metrics': { reach: Reach.LIVE_OPERATOR, reason: 'sets CREATE_SM_OPERATOR_METRICS on the operator Deployment, waits for the rollout and reads its /metrics' },
  'e2e/operator-restart': { reach: Reach.LIVE_OPERATOR, reason: 'asserts the operator pod and its NetworkPolicy in opentelemetry-operator-system' },
  'e2e/status-observed-generation': { reach: Reach.LIVE_OPERATOR, reason: 'asserts only status.observedGeneration and conditions, which the running operator writes' },
  'e2e/smoke-collector/smoke-collector-obi': { reach: Reach.REAL_CONTAINERS, reason: 'eBPF instrumentation (OBI) must trace a running app; checks spans in collector logs and metrics' },
  'e2e/smoke-collector/smoke-collector-obi-unprivileged': { reach: Reach.REAL_CONTAINERS, reason: 'eBPF instrumentation (OBI) must trace a running app; checks spans in collector logs and metrics' },
  'e2e-autoscale/autoscale': { reach: Reach.REAL_CONTAINERS, reason: 'a telemetrygen Job loads the collector so the HPA scales it (status.scale.replicas), metrics-server needed' },
  'e2e-automatic-rbac/privilege-escalation-check': { reach: Reach.API_SERVER, reason: 'kubectl apply --dry-run=server --as=limited-user/permitted-user: the validating webhook checks the requester\'s RBAC' },
  'e2e-automatic-rbac/privilege-escalation-delta': { reach: Reach.API_SERVER, reason: 'kubectl apply --dry-run=server --as=limited-user: accepted only because the SA already holds the rules' },
  'e2e-instrumentation/instrumentation-apache-httpd': { reach: Reach.REAL_CONTAINERS, reason: `${TELEMETRY}; then rolls the Deployment and runs 02-verify-endpoint-interpolation.sh in the pod` },
  'e2e-instrumentation/instrumentation-apache-multicontainer': { reach: Reach.REAL_CONTAINERS, reason: TELEMETRY },
  'e2e-instrumentation/instrumentation-dotnet': { reach: Reach.REAL_CONTAINERS, reason: TELEMETRY },
  'e2e-instrumentation/instrumentation-dotnet-multicontainer': { reach: Reach.REAL_CONTAINERS, reason: TELEMETRY },
  'e2e-instrumentation/instrumentation-java': { reach: Reach.REAL_CONTAINERS, reason: TELEMETRY },
  'e2e-instrumentation/instrumentation-java-multicontainer': { reach: Reach.REAL_CONTAINERS, reason: TELEMETRY },
  'e2e-instrumentation/instrumentation-java-other-ns': { reach: Reach.REAL_CONTAINERS, reason: TELEMETRY },
  'e2e-instrumentation/instrumentation-java-tls': { reach: Reach.REAL_CONTAINERS, reason: `${TELEMETRY}, over TLS with certificates from cert-manager` },
  'e2e-instrumentation/instrumentation-nginx': { reach: Reach.REAL_CONTAINERS, reason: TELEMETRY },
  'e2e-instrumentation/instrumentation-nginx-contnr-secctx': { reach: Reach.REAL_CONTAINERS, reason: TELEMETRY },
  'e2e-instrumentation/instrumentation-nginx-multicontainer': { reach: Reach.REAL_CONTAINERS, reason: TELEMETRY },
  'e2e-instrumentation/instrumentation-nodejs': { reach: Reach.REAL_CONTAINERS, reason: TELEMETRY },
  'e2e-instrumentation/instrumentation-nodejs-multicontainer': { reach: Reach.REAL_CONTAINERS, reason: TELEMETRY },
  'e2e-instrumentation/instrumentation-nodejs-volume': { reach: Reach.REAL_CONTAINERS, reason: TELEMETRY },
  'e2e-instrumentation/instrumentation-python': { reach: Reach.REAL_CONTAINERS, reason: TELEMETRY },
  'e2e-instrumentation/instrumentation-python-oldest': { reach: Reach.REAL_CONTAINERS, reason: `${TELEMETRY}, with the oldest supported Python agent image` },
  'e2e-instrumentation/instrumentation-python-multicontainer': { reach: Reach.REAL_CONTAINERS, reason: TELEMETRY },
  'e2e-instrumentation/instrumentation-python-musl': { reach: Reach.REAL_CONTAINERS, reason: TELEMETRY },
  'e2e-instrumentation/instrumentation-go': { reach: Reach.REAL_CONTAINERS, reason: `${TELEMETRY}; the Go agent is a privileged eBPF sidecar` },
  'e2e-prometheuscr/create-sm-prometheus-exporters': { reach: Reach.REAL_CONTAINERS, reason: 'a Job curls the running target allocator\'s /jobs for its own ServiceMonitor job (check-ta-metrics)' },
  'e2e-ta-collector-mtls/ta-collector-mtls': { reach: Reach.REAL_CONTAINERS, reason: 'Jobs call the allocator over HTTPS with the cert-manager client certificate, store the serving certificate\'s date in a ConfigMap from inside a pod (cert-date-tracker), renew it with cmctl and check the rotation' },
  'e2e-ta-collector-mtls/ta-collector-mtls-scrapeconfig-node': { reach: Reach.REAL_CONTAINERS, reason: `${TA_SCRAPE_CONFIGS} and /jobs for the ScrapeConfig CR's job, then polls the collector pod's metrics for its up series through the API proxy` },
  'e2e-ta-collector-mtls/ta-collector-mtls-user-provided': { reach: Reach.REAL_CONTAINERS, reason: 'the CA, server and client certificates are made with openssl in a shell command, then a Job calls the allocator over HTTPS with them' },
  'e2e-ta-collector-mtls/ta-standalone-mtls': { reach: Reach.REAL_CONTAINERS, reason: 'a Job calls the standalone allocator over HTTPS with the cert-manager client certificate (check-ta-serving-over-https)' },
  'e2e-targetallocator/targetallocator-insecure-auth-secrets': { reach: Reach.REAL_CONTAINERS, reason: `${TA_SCRAPE_CONFIGS} over plain HTTP and expects the Secret's real password in it (allowInsecureAuthSecrets)` },
  'e2e-targetallocator/targetallocator-kubernetessd': { reach: Reach.REAL_CONTAINERS, reason: 'Jobs curl the collector\'s :9090/metrics for kubelet_running_pods and the allocator\'s /jobs and /scrape_configs for the kubelet job it discovered' },
  'e2e-targetallocator/targetallocator-metrics': { reach: Reach.REAL_CONTAINERS, reason: 'reads the collector\'s :8888 and the allocator\'s metrics from the running pods through the API proxy (kubectl get --raw)' },
  'e2e-targetallocator/targetallocator-namespace': { reach: Reach.REAL_CONTAINERS, reason: 'Jobs curl the allocator to check it discovers a ServiceMonitor of an allowed namespace and not one of a denied namespace (the Jobs must succeed, then fail)' },
  'e2e-targetallocator/targetallocator-prometheuscr': { reach: Reach.REAL_CONTAINERS, reason: 'Jobs curl the allocator\'s /jobs and /scrape_configs for the ServiceMonitor, PodMonitor, ScrapeConfig and Probe jobs it must discover, and the collector\'s metrics' },
  'e2e-targetallocator/targetallocator-prometheuscr-denyfs': { reach: Reach.REAL_CONTAINERS, reason: `${TA_SCRAPE_CONFIGS} and expects the ServiceMonitor reading credentials from files dropped, the safe one kept (denyFSAccessThroughSMs)` },
  'e2e-targetallocator/targetallocator-prometheuscr-secrets': { reach: Reach.REAL_CONTAINERS, reason: `${TA_SCRAPE_CONFIGS} for basic_auth read from a Secret, again after the Secret is updated and after it is deleted` },
};

export function outOfReach(suite: string, name: string): OutOfReach | undefined {
  return OUT_OF_REACH[`${suite}/${name}`];
}
