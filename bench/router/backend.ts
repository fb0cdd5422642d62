import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';

/** A trivial backend for the benchmark: a short text answer, WebSocket echo. Port from argv. */
const port = Number(process.argv[2]);
const body = Buffer.from('hello from slipway bench\n');
const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length }).end(body);
});
server.keepAliveTimeout = 65_000;
new WebSocketServer({ server }).on('connection', (ws) => ws.on('message', (d) => ws.send(d)));
server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
