/**
 * Object names as upstream derives them (`internal/naming`): every name is cut to 63 characters by shortening the
 * collector's own name, then made a DNS-1123 label.
 */

const MAX_NAME = 63;

/** The collector's container, in its workloads and as a sidecar (upstream's naming.Container()). */
export const COLLECTOR_CONTAINER_NAME = 'otc-container';

/**
 * Lower-cases and replaces every character outside [a-z0-9] by `-`, or by `a` at the first and last position, so the
 * length never changes (upstream's DNSName, from the Jaeger operator).
 */
export function dnsName(name: string): string {
  const chars = [...name.toLowerCase()];
  return chars.map((ch, i) => (/[a-z0-9]/.test(ch) ? ch : i === 0 || i === chars.length - 1 ? 'a' : '-')).join('');
}

/**
 * Formats `template` (with `%s` placeholders) so the result fits in 63 characters by shortening the first argument,
 * then trims non-alphanumeric characters left at the ends.
 */
export function truncateName(template: string, ...args: string[]): string {
  let result = format(template, args);
  let excess = result.length - MAX_NAME;
  if (excess > 0) {
    // shorten the first argument; if that is not enough, the next ones (upstream's rule)
    const shortened = args.map((arg) => {
      if (excess <= 0) return arg;
      const cut = Math.min(arg.length, excess);
      excess -= cut;
      return arg.slice(0, arg.length - cut);
    });
    result = format(template, shortened);
  }
  // only reachable when the fixed part alone is too long; upstream then cuts hard and does not trim
  if (result.length > MAX_NAME) return result.slice(0, MAX_NAME);
  return result.replace(/^[^a-zA-Z0-9]+/, '').replace(/[^a-zA-Z0-9]+$/, '');
}

function format(template: string, args: string[]): string {
  let i = 0;
  return template.replace(/%s/g, () => args[i++] ?? '');
}

export const collectorName = (cr: string) => dnsName(truncateName('%s-collector', cr));
// upstream derives these from the base Service's (already cut) name, so a long name loses the end of "-collector"
export const headlessServiceName = (cr: string) => dnsName(truncateName('%s-headless', collectorName(cr)));
export const monitoringServiceName = (cr: string) => dnsName(truncateName('%s-monitoring', collectorName(cr)));
export const extensionServiceName = (cr: string) => dnsName(truncateName('%s-extension', collectorName(cr)));
export const configMapName = (cr: string, hash: string) => dnsName(truncateName('%s-collector-%s', cr, hash.slice(0, 8)));
export const ingressName = (cr: string) => dnsName(truncateName('%s-ingress', cr));
export const clusterRoleName = (cr: string, ns: string) => dnsName(truncateName('%s-%s-cluster-role', cr, ns));
export const clusterRoleBindingName = (cr: string, ns: string) => dnsName(truncateName('%s-%s-collector', cr, ns));
export const networkPolicyName = (cr: string) => dnsName(truncateName('%s-collector-networkpolicy', cr));
export const podMonitorName = (cr: string) => dnsName(truncateName('%s-collector', cr));
export const monitoringServiceMonitorName = (cr: string) => dnsName(truncateName('%s-monitoring-collector', cr));
export const targetAllocatorName = (cr: string) => dnsName(truncateName('%s-targetallocator', cr));
export const extraConfigMapVolumeName = (cm: string) => dnsName(truncateName('configmap-%s', cm));

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * A container/service port name from a component id: `/` and `_` become `-`; names longer than 15 characters or
 * not DNS labels fall back to `port-<number>` (Kubernetes limits port names to 15 characters).
 */
export function portName(id: string, port: number): string {
  if (id.length > 15) return `port-${port}`;
  const candidate = id.replace(/[/_]/g, '-');
  return DNS_LABEL.test(candidate) ? candidate : `port-${port}`;
}

/** Whether a string is a valid DNS-1123 label (what Kubernetes requires of port names and object names). */
export function isDnsLabel(s: string): boolean {
  return s.length <= 63 && DNS_LABEL.test(s);
}
