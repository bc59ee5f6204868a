import type { KubeObject } from '../../src/common/kube';
import { operatorCanCreateRbac, subjectReviewer } from '../../src/operator/webhooks/access-review';
import { webhookRoutes } from '../../src/operator/webhooks/routes';
import {
  collectorValidatingWebhook, reviewAttributes, targetAllocatorValidatingWebhook, TARGET_ALLOCATOR_PROMETHEUS_CR_RULES, warningsGroupedByResource,
  withCollectorRbacWarnings, withTargetAllocatorRbacWarnings,
} from '../../src/webhook';
import type { AdmissionRequest, ReviewAttributes, SubjectReviewer } from '../../src/webhook';

const collector = (spec: object = {}): KubeObject => ({
  apiVersion: 'opentelemetry.io/v1beta1', kind: 'OpenTelemetryCollector', metadata: { name: 'c', namespace: 'ns1' },
  spec: {
    mode: 'deployment',
    config: { receivers: { k8s_events: {} }, exporters: { debug: {} }, service: { pipelines: { logs: { receivers: ['k8s_events'], exporters: ['debug'] } } } },
    ...spec,
  },
});
const promCollector = (ta: object = {}): KubeObject => collector({
  mode: 'statefulset',
  targetAllocator: { enabled: true, prometheusCR: { enabled: true }, ...ta },
  config: {
    receivers: { prometheus: { config: { scrape_configs: [] } } }, exporters: { debug: {} },
    service: { pipelines: { metrics: { receivers: ['prometheus'], exporters: ['debug'] } } },
  },
});
const review = (request: Partial<AdmissionRequest>) => ({
  apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview',
  request: { uid: 'u', operation: 'CREATE' as const, userInfo: { username: 'someone' }, ...request },
});

/** Allows what `allowed(user, attributes)` says; records every user asked. */
function reviewer(allowed: (user: string, a: ReviewAttributes) => boolean): SubjectReviewer & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async denied(user, attributes) {
      asked.push(user);
      return attributes.filter((a) => !allowed(user, a));
    },
  };
}
const nothing = () => false;

describe('upstream\'s RBAC warnings', () => {
  test('review order and grouping as upstream: per verb, group, resource; core group bare, non-resource URLs named', () => {
    const attrs = reviewAttributes([{ apiGroups: ['', 'apps'], resources: ['pods'], verbs: ['get', 'list'] }, { nonResourceURLs: ['/metrics'], verbs: ['get'] }]);
    expect(attrs).toEqual([
      { verb: 'get', group: '', resource: 'pods' }, { verb: 'get', group: 'apps', resource: 'pods' },
      { verb: 'list', group: '', resource: 'pods' }, { verb: 'list', group: 'apps', resource: 'pods' },
      { verb: 'get', path: '/metrics' },
    ]);
    expect(warningsGroupedByResource('system:serviceaccount:ns:sa', attrs)).toEqual([
      'missing the following rules for system:serviceaccount:ns:sa - pods: [get,list]',
      'missing the following rules for system:serviceaccount:ns:sa - apps/pods: [get,list]',
      'missing the following rules for system:serviceaccount:ns:sa - nonResourceURL: /metrics: [get]',
    ]);
  });

  test('"RBAC rules are missing": the operator cannot manage ClusterRoles and spec.serviceAccount lacks what the config needs', async () => {
    const r = reviewer(nothing);
    const check = withCollectorRbacWarnings(collectorValidatingWebhook(), r, { operatorCreatesRbac: false });
    const res = (await check(review({ object: collector({ serviceAccount: 'mine' }) }))).response;
    expect(res.allowed).toBe(true);
    expect(res.warnings).toEqual(['RBAC rules are missing: missing the following rules for system:serviceaccount:ns1:mine - events: [get,list,watch]']);
    expect(r.asked).toEqual(['system:serviceaccount:ns1:mine']);
  });

  test('no warning when the account holds the rules, no serviceAccount is set, the operator manages RBAC, or on DELETE', async () => {
    const holds = reviewer(() => true);
    expect((await withCollectorRbacWarnings(collectorValidatingWebhook(), holds, { operatorCreatesRbac: false })(review({ object: collector({ serviceAccount: 'mine' }) }))).response.warnings).toBeUndefined();
    const r = reviewer(nothing);
    const noRbac = withCollectorRbacWarnings(collectorValidatingWebhook(), r, { operatorCreatesRbac: false });
    expect((await noRbac(review({ object: collector() }))).response.warnings).toBeUndefined();
    expect((await noRbac(review({ operation: 'DELETE', oldObject: collector({ serviceAccount: 'mine' }) }))).response.warnings).toBeUndefined();
    const managed = withCollectorRbacWarnings(collectorValidatingWebhook(), r, { operatorCreatesRbac: true });
    expect((await managed(review({ object: collector({ serviceAccount: 'mine' }) }))).response.warnings).toBeUndefined();
    expect(r.asked).toEqual([]);
  });

  test('a review that fails is a warning for the serviceAccount check (upstream\'s build validator)', async () => {
    const failing: SubjectReviewer = { denied: async () => { throw new Error('connect ECONNREFUSED'); } };
    const res = (await withCollectorRbacWarnings(collectorValidatingWebhook(), failing, { operatorCreatesRbac: false })(review({ object: collector({ serviceAccount: 'mine' }) }))).response;
    expect(res.allowed).toBe(true);
    expect(res.warnings).toEqual(['error checking RBAC rules for serviceAccount mine: unable to check rbac rules: connect ECONNREFUSED']);
  });

  test('TargetAllocator prometheusCR: a warning per resource the allocator\'s account lacks, for collectors and TargetAllocators', async () => {
    // the account may do everything but read secrets and list endpointslices
    const r = reviewer((_, a) => a.resource !== 'secrets' && !(a.resource === 'endpointslices' && a.verb === 'list'));
    const res = (await withCollectorRbacWarnings(collectorValidatingWebhook(), r, { operatorCreatesRbac: true })(review({ object: promCollector() }))).response;
    expect(res.allowed).toBe(true);
    expect(res.warnings).toEqual([
      'missing the following rules for system:serviceaccount:ns1:c-targetallocator - discovery.k8s.io/endpointslices: [list]',
      'missing the following rules for system:serviceaccount:ns1:c-targetallocator - secrets: [get,list,watch]',
    ]);
    await withCollectorRbacWarnings(collectorValidatingWebhook(), r, { operatorCreatesRbac: true })(review({ object: promCollector({ serviceAccount: 'ta-sa' }) }));
    expect(r.asked).toEqual(['system:serviceaccount:ns1:c-targetallocator', 'system:serviceaccount:ns1:ta-sa']);

    const ta = { apiVersion: 'opentelemetry.io/v1alpha1', kind: 'TargetAllocator', metadata: { name: 't', namespace: 'ns2' }, spec: { prometheusCR: { enabled: true } } };
    const taRes = (await withTargetAllocatorRbacWarnings(targetAllocatorValidatingWebhook(), reviewer(nothing))(review({ object: ta }))).response;
    expect(taRes.allowed).toBe(true);
    expect(taRes.warnings).toHaveLength(17);
    expect(taRes.warnings).toContain('missing the following rules for system:serviceaccount:ns2:t-targetallocator - monitoring.coreos.com/servicemonitors: [*]');
    expect(taRes.warnings).toContain('missing the following rules for system:serviceaccount:ns2:t-targetallocator - nonResourceURL: /apis/*: [get]');
    const off = reviewer(nothing);
    await withTargetAllocatorRbacWarnings(targetAllocatorValidatingWebhook(), off)(review({ object: { ...ta, spec: {} } }));
    expect(off.asked).toEqual([]);
  });

  test('a failed prometheusCR review denies with upstream\'s message', async () => {
    const failing: SubjectReviewer = { denied: async () => { throw new Error('connect ECONNREFUSED'); } };
    const res = (await withCollectorRbacWarnings(collectorValidatingWebhook(), failing, { operatorCreatesRbac: true })(review({ object: promCollector() }))).response;
    expect(res).toMatchObject({ allowed: false, status: { message: 'unable to check rbac rules connect ECONNREFUSED' } });
  });

  test('the webhook routes wire both checks when given a reviewer', async () => {
    const r = reviewer(nothing);
    const routes = webhookRoutes({ lookup: () => ({}) as never, subjectReviewer: r, operatorCreatesRbac: false });
    const route = routes.get('/validate-opentelemetry-io-v1beta1-opentelemetrycollector');
    if (route?.type !== 'admission') throw new Error('no admission route');
    const res = (await route.handler(review({ object: collector({ serviceAccount: 'mine' }) }))).response;
    expect(res.warnings?.[0]).toMatch(/^RBAC rules are missing: /);
  });
});

describe('subjectReviewer and operatorCanCreateRbac over the API server', () => {
  test('one SubjectAccessReview per attribute, the user name alone; non-resource URLs as nonResourceAttributes', async () => {
    const sent: any[] = [];
    const api = { create: async (obj: any) => (sent.push(obj.spec), { ...obj, status: { allowed: obj.spec.resourceAttributes?.verb === 'get' } }) };
    const denied = await subjectReviewer(api as never).denied('system:serviceaccount:a:b', reviewAttributes(TARGET_ALLOCATOR_PROMETHEUS_CR_RULES.slice(4, 6)));
    expect(sent).toEqual([
      { user: 'system:serviceaccount:a:b', resourceAttributes: { group: 'networking.k8s.io', resource: 'ingresses', verb: 'get' } },
      { user: 'system:serviceaccount:a:b', resourceAttributes: { group: 'networking.k8s.io', resource: 'ingresses', verb: 'list' } },
      { user: 'system:serviceaccount:a:b', resourceAttributes: { group: 'networking.k8s.io', resource: 'ingresses', verb: 'watch' } },
      { user: 'system:serviceaccount:a:b', nonResourceAttributes: { path: '/metrics', verb: 'get' } },
    ]);
    expect(denied.map((a) => a.verb)).toEqual(['list', 'watch', 'get']);
  });

  test('the operator manages RBAC only when every SelfSubjectAccessReview on clusterroles and bindings allows', async () => {
    const kinds: string[] = [];
    const api = (deny?: string) => ({ create: async (obj: any) => (kinds.push(obj.kind), { ...obj, status: { allowed: `${obj.spec.resourceAttributes.resource}/${obj.spec.resourceAttributes.verb}` !== deny } }) });
    expect(await operatorCanCreateRbac(api() as never)).toBe(true);
    expect(kinds).toHaveLength(12);
    expect(new Set(kinds)).toEqual(new Set(['SelfSubjectAccessReview']));
    expect(await operatorCanCreateRbac(api('clusterroles/patch') as never)).toBe(false);
  });
});
