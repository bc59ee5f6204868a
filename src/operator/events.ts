/**
 * Kubernetes Events about our custom resources, as controller-runtime's recorder writes them (core/v1 Event,
 * source component `opentelemetry-operator`). The same event for the same object is written once per
 * `dedupeMs` (a failing reconcile retried with backoff does not flood the namespace), and a failed write is
 * logged, never thrown: an Event is a courtesy, not part of the reconcile.
 */
import { KubeApi, KubeObject } from '../kube';
import { Logger } from '../common/log';

export type EventType = 'Normal' | 'Warning';

export interface EventRecorderOptions {
  readonly component?: string;
  /** @default 600000 (10 minutes) */
  readonly dedupeMs?: number;
  readonly log: Logger;
  readonly now?: () => Date;
}

export class EventRecorder {
  private readonly recent = new Map<string, number>();

  constructor(private readonly api: KubeApi, private readonly options: EventRecorderOptions) {}

  /** Records an event on `obj`; resolves once written (or skipped, or failed and logged). */
  async record(obj: KubeObject, type: EventType, reason: string, message: string): Promise<void> {
    const now = (this.options.now ?? (() => new Date()))();
    // an object being admitted has no uid yet: its name tells it apart
    const key = `${obj.kind}/${obj.metadata.namespace}/${obj.metadata.name}/${obj.metadata.uid}/${type}/${reason}/${message}`;
    const last = this.recent.get(key);
    if (last !== undefined && now.getTime() - last < (this.options.dedupeMs ?? 600_000)) return;
    this.recent.set(key, now.getTime());
    if (this.recent.size > 10_000) this.recent.delete(this.recent.keys().next().value!);
    const component = this.options.component ?? 'opentelemetry-operator';
    const ts = now.toISOString().replace(/\.\d+Z$/, 'Z');
    try {
      await this.api.create({
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { generateName: `${obj.metadata.name}.`, namespace: obj.metadata.namespace ?? 'default' },
        involvedObject: {
          apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata.name, namespace: obj.metadata.namespace,
          uid: obj.metadata.uid, resourceVersion: obj.metadata.resourceVersion,
        },
        type, reason, message: message.slice(0, 1024),
        source: { component },
        reportingComponent: component,
        firstTimestamp: ts, lastTimestamp: ts, count: 1,
      });
    } catch (e) {
      this.options.log.warn({ resource: `${obj.kind} ${obj.metadata.namespace}/${obj.metadata.name}`, reason, err: (e as Error).message }, 'could not record event');
    }
  }
}
