/**
 * The webhook server of the admission benchmark, run as a child process (so the load generator does not share its
 * event loop): upstream's routes over a fixed cluster view, a fresh self-signed certificate; sends its port and CA
 * to the parent over IPC and serves until killed.
 */
import { lookupFromObjects } from '../src/instrumentation/lookup';
import { silentLogger } from '../src/common/log';
import { issueWebhookCertificates, WebhookServer, webhookRoutes } from '../src/operator/webhooks';
import { BENCH_CLUSTER } from './webhook-fixtures';

async function main(): Promise<void> {
  const certs = await issueWebhookCertificates({ dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
  const lookup = lookupFromObjects(BENCH_CLUSTER as never, 'bench');
  const server = new WebhookServer({
    routes: webhookRoutes({ lookup: () => lookup }),
    cert: certs.cert, key: certs.key, port: 0, listenHost: '127.0.0.1', log: silentLogger,
  });
  const port = await server.listen();
  process.send!({ port, ca: certs.caCert });
  // the parent asks for the CPU time spent so far, to report the server's CPU per request
  process.on('message', () => process.send!({ cpu: process.cpuUsage() }));
  // the parent is done (or gone): exit normally, so --cpu-prof and friends write their files
  process.on('disconnect', () => process.exit(0));
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
