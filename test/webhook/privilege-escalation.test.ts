import type { KubeObject } from '../../src/common/kube';
import { subjectAccessReviewer } from '../../src/operator/webhooks/access-review';
import { autoRbacGrant, collectorValidatingWebhook, withPrivilegeEscalationCheck } from '../../src/webhook';
import type { AccessReviewer, AccessSubject, AdmissionRequest } from '../../src/webhook';

const eventsCollector = (spec: object = {}): KubeObject => ({
  apiVersion: 'opentelemetry.io/v1beta1', kind: 'OpenTelemetryCollector', metadata: { name: 'privilege-test', namespace: 'ns1' },
  spec: {
    mode: 'deployment',
    config: { receivers: { k8s_events: {} }, exporters: { debug: {} }, service: { pipelines: { logs: { receivers: ['k8s_events'], exporters: ['debug'] } } } },
    ...spec,
  },
});
const review = (request: Partial<AdmissionRequest>) => ({
  apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview',
  request: { uid: 'u', operation: 'CREATE' as const, userInfo: { username: 'limited-user', groups: ['system:authenticated'] }, ...request },
});

/** Holds what `held` says per user; records who was asked. */
function reviewer(held: Record<string, boolean>): AccessReviewer & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async missing(subject: AccessSubject, rules) {
      asked.push(subject.user);
      return held[subject.user] ? [] : [...rules];
    },
  };
}

describe('privilege-escalation check (auto-RBAC)', () => {
  const sa = 'system:serviceaccount:ns1:privilege-test-collector';

  test('the rules a k8s_events collector needs, for its service account', () => {
    expect(autoRbacGrant(eventsCollector())).toMatchObject({ serviceAccount: 'privilege-test-collector', namespace: 'ns1' });
    expect(autoRbacGrant(eventsCollector())!.rules.some((r) => r.resources.includes('events'))).toBe(true);
    expect(autoRbacGrant(eventsCollector({ serviceAccount: 'mine' }))!.serviceAccount).toBe('mine');
  });

  test('a user without the permissions the service account would get is denied with upstream\'s words', async () => {
    const r = reviewer({});
    const res = (await withPrivilegeEscalationCheck(collectorValidatingWebhook(), r)(review({ object: eventsCollector() }))).response;
    expect(res.allowed).toBe(false);
    expect(res.status?.message).toMatch(/^user "limited-user" is not allowed to create a collector whose config would grant permissions they do not hold: \{apiGroups: \[""\], resources: \[.*events/);
    expect(r.asked).toEqual([sa, 'limited-user']);
  });

  test('a user who holds them is allowed; a service account that already has them is not asked about (the delta)', async () => {
    expect((await withPrivilegeEscalationCheck(collectorValidatingWebhook(), reviewer({ 'limited-user': true }))(review({ object: eventsCollector() }))).response.allowed).toBe(true);
    const r = reviewer({ [sa]: true });
    expect((await withPrivilegeEscalationCheck(collectorValidatingWebhook(), r)(review({ object: eventsCollector() }))).response.allowed).toBe(true);
    expect(r.asked).toEqual([sa]);
  });

  test('no cluster permissions needed, DELETE, or an already denied request: nobody is asked', async () => {
    const r = reviewer({});
    const plain = eventsCollector({ config: { receivers: { otlp: { protocols: { grpc: {} } } }, exporters: { debug: {} }, service: { pipelines: { traces: { receivers: ['otlp'], exporters: ['debug'] } } } } });
    const check = withPrivilegeEscalationCheck(collectorValidatingWebhook(), r);
    expect((await check(review({ object: plain }))).response.allowed).toBe(true);
    expect((await check(review({ operation: 'DELETE', oldObject: eventsCollector() }))).response.allowed).toBe(true);
    expect((await check(review({ object: eventsCollector({ targetAllocator: { enabled: true } }) }))).response.status?.message).toContain('target allocation');
    expect(r.asked).toEqual([]);
  });

  test('a review that cannot be made is a 500 denial saying so', async () => {
    const failing: AccessReviewer = { missing: async () => { throw new Error('connect ECONNREFUSED'); } };
    const res = (await withPrivilegeEscalationCheck(collectorValidatingWebhook(), failing)(review({ object: eventsCollector() }))).response;
    expect(res).toMatchObject({ allowed: false, status: { code: 500 } });
    expect(res.status?.message).toContain('could not check the permissions auto-RBAC would grant: connect ECONNREFUSED');
  });
});

describe('subjectAccessReviewer', () => {
  test('one SubjectAccessReview per group/resource/verb; a rule is missing when any is denied', async () => {
    const sent: any[] = [];
    const api = {
      create: async (obj: any) => {
        sent.push(obj.spec);
        return { ...obj, status: { allowed: obj.spec.resourceAttributes.verb !== 'watch' } };
      },
    };
    const r = subjectAccessReviewer(api as never);
    const missing = await r.missing({ user: 'u', groups: ['g'] }, [
      { apiGroups: [''], resources: ['events'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['nodes/stats'], verbs: ['get'] },
    ]);
    expect(missing).toEqual([{ apiGroups: [''], resources: ['events'], verbs: ['get', 'list', 'watch'] }]);
    expect(sent).toHaveLength(4);
    expect(sent[3]).toEqual({ user: 'u', groups: ['g'], resourceAttributes: { group: '', resource: 'nodes', subresource: 'stats', verb: 'get' } });
  });
});
