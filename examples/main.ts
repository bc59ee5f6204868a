import { App } from 'cdk8s';
import { AgentChart } from './agent';
import { GatewayChart } from './gateway';
import { ScraperChart, ScraperResourceChart } from './scraper';
import { StatefulCollectorChart } from './statefulset';

/** Synthesizes every example into dist/ (`npm run synth`). */
export function buildExamplesApp(outdir = 'dist'): App {
  const app = new App({ outdir });
  new GatewayChart(app, 'gateway');
  new AgentChart(app, 'agent');
  new StatefulCollectorChart(app, 'stateful');
  new ScraperChart(app, 'scraper');
  new ScraperResourceChart(app, 'scraper-resource');
  return app;
}

if (require.main === module) {
  buildExamplesApp().synth();
}
