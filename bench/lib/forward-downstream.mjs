// Child process of bench/forward.bench.ts: a downstream OTLP/HTTP receiver that reads each
// request and answers 200 at once, counting requests and bytes, in its own process so that
// its work does not slow the collector's event loop.
import { createServer } from 'node:http';

let requests = 0;
let bytes = 0;
const server = createServer((req, res) => {
  req.on('data', (chunk) => {
    bytes += chunk.length;
  });
  req.on('end', () => {
    requests++;
    res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
  });
});
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
process.on('message', (msg) => {
  if (msg === 'close') {
    server.close();
    server.closeAllConnections();
    process.disconnect();
    return;
  }
  process.send({ requests, bytes });
});
