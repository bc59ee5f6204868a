// Loaded into an instrumented app by NODE_OPTIONS=--require /otel-auto-instrumentation-nodejs/autoinstrumentation.js
// (the operator's injection): starts the OpenTelemetry Node SDK with every auto-instrumentation, traces over
// OTLP/gRPC to OTEL_EXPORTER_OTLP_ENDPOINT, metrics as OTEL_METRICS_EXPORTER says (otlp, prometheus or none).
// Resource detection is local only (env, host, OS, process, container): the cloud detectors of upstream's image
// query metadata endpoints, which a test machine must not dial.
'use strict';
const { getNodeAutoInstrumentations } = require('@opentelemetry/auto-instrumentations-node');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-grpc');
const { OTLPMetricExporter } = require('@opentelemetry/exporter-metrics-otlp-grpc');
const { PrometheusExporter } = require('@opentelemetry/exporter-prometheus');
const { PeriodicExportingMetricReader } = require('@opentelemetry/sdk-metrics');
const { containerDetector } = require('@opentelemetry/resource-detector-container');
const { envDetector, hostDetector, osDetector, processDetector } = require('@opentelemetry/resources');
const { NodeSDK } = require('@opentelemetry/sdk-node');

function metricReader() {
  const exporter = process.env.OTEL_METRICS_EXPORTER || 'otlp';
  if (exporter === 'otlp') return new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter() });
  if (exporter === 'prometheus') return new PrometheusExporter({});
  if (exporter === 'none') return undefined;
  throw new Error(`OTEL_METRICS_EXPORTER=${exporter} is not otlp, prometheus or none`);
}

const sdk = new NodeSDK({
  instrumentations: [getNodeAutoInstrumentations()],
  traceExporter: new OTLPTraceExporter(),
  metricReader: metricReader(),
  resourceDetectors: [containerDetector, envDetector, hostDetector, osDetector, processDetector],
});
sdk.start();
process.once('SIGTERM', () => { sdk.shutdown().finally(() => process.exit(0)); });
