/**
 * Render benchmark: `render()` of 500 OpenTelemetryCollector resources (modes deployment, daemonset,
 * statefulset with a target allocator, sidecar; some with an autoscaler and an ingress), the figure issue 8
 * asks to keep within 2x when rendering goes through the constructs. Prints the best and median of a few runs.
 */
import { performance } from 'node:perf_hooks';
import { render } from '../src/render';
import type { KubeObject } from '../src/common/kube';
import type { BenchContext } from './main';

const MODES = ['deployment', 'daemonset', 'statefulset', 'sidecar'];

/** `count` collectors, varied enough to exercise every builder. */
export function benchCollectors(count: number): KubeObject[] {
  const crs: KubeObject[] = [];
  for (let i = 0; i < count; i++) {
    const mode = MODES[i % MODES.length];
    const spec: { [key: string]: unknown } = {
      mode,
      config: {
        receivers: { otlp: { protocols: { grpc: {}, http: {} } }, ...(mode === 'statefulset' ? { prometheus: { config: { scrape_configs: [{ job_name: 'x', static_configs: [{ targets: ['127.0.0.1:8888'] }] }] } } } : {}) },
        processors: { batch: {} },
        exporters: { debug: {} },
        service: { pipelines: { traces: { receivers: ['otlp'], processors: ['batch'], exporters: ['debug'] } } },
      },
    };
    if (mode === 'statefulset') spec.targetAllocator = { enabled: true };
    if (mode === 'deployment' && i % 8 === 0) spec.autoscaler = { minReplicas: 1, maxReplicas: 5, targetCPUUtilization: 80 };
    if (mode === 'deployment' && i % 8 === 4) spec.ingress = { type: 'ingress', hostname: `c${i}.example.com` };
    crs.push({ apiVersion: 'opentelemetry.io/v1beta1', kind: 'OpenTelemetryCollector', metadata: { name: `collector-${i}`, namespace: `ns-${i % 10}` }, spec });
  }
  return crs;
}

export async function runRenderBench(ctx: BenchContext): Promise<unknown> {
  const count = ctx.quick ? 100 : 500;
  const runs = ctx.quick ? 2 : 5;
  const crs = benchCollectors(count);
  render(crs.slice(0, 20)); // warm up
  const times: number[] = [];
  const cpu: number[] = [];
  let objects = 0;
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    const startCpu = process.cpuUsage();
    objects = render(crs).objects.length;
    const used = process.cpuUsage(startCpu);
    times.push(performance.now() - start);
    cpu.push((used.user + used.system) / 1000);
  }
  // CPU time as well as wall time: on a shared machine the wall time says more about the neighbours
  times.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  const mid = Math.floor(runs / 2);
  const result = { collectors: count, objects, bestMs: Math.round(times[0]), medianMs: Math.round(times[mid]), bestCpuMs: Math.round(cpu[0]), medianCpuMs: Math.round(cpu[mid]) };
  ctx.log('| collectors | objects | best ms | median ms | best CPU ms | median CPU ms |\n|---|---|---|---|---|---|');
  ctx.log(`| ${result.collectors} | ${result.objects} | ${result.bestMs} | ${result.medianMs} | ${result.bestCpuMs} | ${result.medianCpuMs} |`);
  return result;
}
