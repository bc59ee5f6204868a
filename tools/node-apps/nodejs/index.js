// The e2e-test-app-nodejs image's app: serves "Hi" on :3000 (PORT) and calls itself every 2 s, so an injected
// Node.js agent has HTTP server and client spans to export without a test driving traffic.
'use strict';
const http = require('node:http');
const port = Number(process.env.PORT || 3000);
http.createServer((req, res) => res.end('Hi\n')).listen(port, () => console.log(`listening on :${port}`));
setInterval(() => {
  http.get(`http://127.0.0.1:${port}/`, (res) => res.resume()).on('error', (e) => console.log(`self call failed: ${e.message}`));
}, 2000);
process.once('SIGTERM', () => process.exit(0));
