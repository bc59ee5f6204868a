import { joinHostPort, LabelSet } from './meta';
import { ObjectLookup, ObjectReference, Pod } from './objects';
import { POD, podContainers, podLabels } from './pod';

/**
 * What the endpoints and endpointslice roles do with addresses that point at a Pod, as Prometheus writes it:
 * the target gets the pod's labels and those of the container (init containers too) that has the endpoint's
 * port; afterwards every container port of those pods that no endpoint port covered becomes a target of its own.
 */
export class PodPorts {
  private readonly seen = new Map<string, { pod: Pod; ports: number[] }>();

  constructor(private readonly lookup: ObjectLookup) {}

  /**
   * The target, with the pod's labels when `ref` is a Pod the lookup knows. `port` undefined: the endpoint has
   * none. `endpointProtocol`: the protocol to write for the matching container port instead of the container
   * port's own (Prometheus's endpoints role writes the endpoint port's protocol there, its endpointslice role the
   * container port's).
   */
  attach(target: LabelSet, ref: ObjectReference | undefined, port: number | undefined, endpointProtocol?: string): LabelSet {
    const pod = ref?.kind === 'Pod' ? this.lookup.pod?.(ref.namespace ?? '', ref.name ?? '') : undefined;
    if (!pod) return target;
    const key = `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
    const seen = this.seen.get(key) ?? { pod, ports: [] };
    this.seen.set(key, seen);
    const out: LabelSet = { ...target, ...podLabels(pod, this.lookup) };
    if (port !== undefined) {
      // Prometheus's loop breaks out of one container's ports only, so a later container with the port wins
      for (const { container, init } of podContainers(pod)) {
        for (const cport of container.ports ?? []) {
          if (port !== (cport.containerPort ?? 0)) continue;
          out[POD.containerName] = container.name ?? '';
          out[POD.containerImage] = container.image ?? '';
          out[POD.portName] = cport.name ?? '';
          out[POD.portNumber] = String(port);
          out[POD.portProtocol] = endpointProtocol ?? cport.protocol ?? '';
          out[POD.containerInit] = String(init);
          break;
        }
      }
      seen.ports.push(port);
    }
    return out;
  }

  /** Targets for the container ports of the pods seen that no endpoint port covered (pods with an IP only). */
  uncoveredPorts(): LabelSet[] {
    const out: LabelSet[] = [];
    for (const { pod, ports } of this.seen.values()) {
      const podIP = pod.status?.podIP ?? '';
      if (podIP === '') continue;
      for (const { container, init } of podContainers(pod)) {
        for (const cport of container.ports ?? []) {
          const number = cport.containerPort ?? 0;
          if (ports.includes(number)) continue;
          out.push({
            __address__: joinHostPort(podIP, number),
            [POD.containerName]: container.name ?? '',
            [POD.containerImage]: container.image ?? '',
            [POD.portName]: cport.name ?? '',
            [POD.portNumber]: String(number),
            [POD.portProtocol]: cport.protocol ?? '',
            [POD.containerInit]: String(init),
            ...podLabels(pod, this.lookup),
          });
        }
      }
    }
    return out;
  }
}
