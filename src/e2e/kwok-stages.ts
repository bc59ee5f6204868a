/**
 * kwok pod stages for upstream's K cases: kwok's own "fast" stages (pods Running and Ready at once, Job pods
 * Succeeded, deleted pods gone) plus what upstream's asserts read from a kubelet that kwok leaves out:
 * `started: true`, `containerID`/`imageID` on running containers, containerStatuses sorted by name (the kubelet
 * sorts them; instrumentation-multi-multicontainer asserts that order), and Succeeded for every pod a Job owns
 * (CronJob-made Jobs included, they own their pods the same way). A rollout makes new pods, which go through the same stages,
 * so `restartCount` stays 0 as with a real kubelet. Node stages stay kwok's defaults. Pure: YAML text.
 */

/** The status of a pod that runs: each container started and ready, init containers completed (or running when native sidecars). */
const READY_STATUS = `{{ $now := Now }}
{{ $names := list }}{{ range .spec.containers }}{{ $names = append $names .name }}{{ end }}
conditions:
- lastTransitionTime: {{ $now | Quote }}
  status: "True"
  type: PodReadyToStartContainers
- lastTransitionTime: {{ $now | Quote }}
  status: "True"
  type: Initialized
- lastTransitionTime: {{ $now | Quote }}
  status: "True"
  type: Ready
- lastTransitionTime: {{ $now | Quote }}
  status: "True"
  type: ContainersReady
- lastTransitionTime: {{ $now | Quote }}
  status: "True"
  type: PodScheduled
{{ range .spec.readinessGates }}
- lastTransitionTime: {{ $now | Quote }}
  status: "True"
  type: {{ .conditionType | Quote }}
{{ end }}
containerStatuses:
{{ range $name := sortAlpha $names }}{{ range $.spec.containers }}{{ if eq .name $name }}
- image: {{ .image | Quote }}
  imageID: {{ printf "kwok://%s" .image | Quote }}
  containerID: {{ printf "kwok://%s" .name | Quote }}
  name: {{ .name | Quote }}
  ready: true
  started: true
  restartCount: 0
  state:
    running:
      startedAt: {{ $now | Quote }}
{{ end }}{{ end }}{{ end }}
initContainerStatuses:
{{ range .spec.initContainers }}
- image: {{ .image | Quote }}
  imageID: {{ printf "kwok://%s" .image | Quote }}
  containerID: {{ printf "kwok://%s" .name | Quote }}
  name: {{ .name | Quote }}
  ready: true
  restartCount: 0
  {{ if eq .restartPolicy "Always" }}
  started: true
  state:
    running:
      startedAt: {{ $now | Quote }}
  {{ else }}
  started: false
  state:
    terminated:
      exitCode: 0
      finishedAt: {{ $now | Quote }}
      reason: Completed
      startedAt: {{ $now | Quote }}
  {{ end }}
{{ end }}
hostIP: {{ NodeIPWith .spec.nodeName | Quote }}
podIP: {{ PodIPWith .spec.nodeName ( or .spec.hostNetwork false ) ( or .metadata.uid "" ) ( or .metadata.name "" ) ( or .metadata.namespace "" ) | Quote }}
phase: Running
startTime: {{ $now | Quote }}
`;

/** A Job's pod after its containers exited 0. */
const COMPLETE_STATUS = `{{ $now := Now }}
{{ $names := list }}{{ range .spec.containers }}{{ $names = append $names .name }}{{ end }}
conditions:
- lastTransitionTime: {{ $now | Quote }}
  status: "False"
  type: Ready
  reason: PodCompleted
- lastTransitionTime: {{ $now | Quote }}
  status: "False"
  type: ContainersReady
  reason: PodCompleted
containerStatuses:
{{ range $name := sortAlpha $names }}{{ range $.spec.containers }}{{ if eq .name $name }}
- image: {{ .image | Quote }}
  imageID: {{ printf "kwok://%s" .image | Quote }}
  containerID: {{ printf "kwok://%s" .name | Quote }}
  name: {{ .name | Quote }}
  ready: false
  started: false
  restartCount: 0
  state:
    terminated:
      exitCode: 0
      finishedAt: {{ $now | Quote }}
      reason: Completed
      startedAt: {{ $now | Quote }}
{{ end }}{{ end }}{{ end }}
phase: Succeeded
`;

function indent(text: string, spaces: number): string {
  const pad = ' '.repeat(spaces);
  return text.split('\n').map((l) => (l ? pad + l : l)).join('\n');
}

/** kwok configuration documents (`kwok --config FILE`) with our pod stages. */
export function kwokPodStagesYaml(): string {
  const stage = (name: string, expressions: string, next: string) => [
    'apiVersion: kwok.x-k8s.io/v1alpha1',
    'kind: Stage',
    `metadata:\n  name: ${name}`,
    'spec:',
    '  resourceRef:\n    apiGroup: v1\n    kind: Pod',
    '  selector:\n    matchExpressions:',
    indent(expressions.trim(), 4),
    '  next:',
    indent(next.trim(), 4),
  ].join('\n');
  return [
    stage('pod-ready', `
- key: '.metadata.deletionTimestamp'
  operator: 'DoesNotExist'
- key: '.status.podIP'
  operator: 'DoesNotExist'`, `statusTemplate: |\n${indent(READY_STATUS, 2)}`),
    stage('pod-complete', `
- key: '.metadata.deletionTimestamp'
  operator: 'DoesNotExist'
- key: '.status.phase'
  operator: 'In'
  values: ['Running']
- key: '.metadata.ownerReferences.[].kind'
  operator: 'In'
  values: ['Job']`, `statusTemplate: |\n${indent(COMPLETE_STATUS, 2)}`),
    stage('pod-delete', `
- key: '.metadata.deletionTimestamp'
  operator: 'Exists'`, 'finalizers:\n  empty: true\ndelete: true'),
  ].join('\n---\n') + '\n';
}
