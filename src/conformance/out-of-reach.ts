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
};

export function outOfReach(suite: string, name: string): OutOfReach | undefined {
  return OUT_OF_REACH[`${suite}/${name}`];
}
