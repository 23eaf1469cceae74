// Child process of bench/intake.bench.ts (its own process, so the collector's CPU time can be
// read apart from the client's): sends encoded OTLP trace requests to a collector over
// OTLP/HTTP (node:http, keep-alive) or OTLP/gRPC (grpc-js, raw bytes, configured as the
// OpenTelemetry JS gRPC exporter configures its client: a deadline per call, one channel per
// exporter) from `concurrency` senders, each with its own connection and one request in
// flight (as an app's batch span processor exports), for the slice the parent asks for, and
// reports what was accepted.
import { Agent, request } from 'node:http';
import { Client, Metadata, credentials } from '@grpc/grpc-js';
import { encodedBatch, renew } from './otlp-batches.js';

export interface IntakeClientData {
  httpUrl: string;
  grpcUrl: string;
  concurrency: number;
  batchSpans: number;
  batches: number;
}
export interface SliceRequest {
  protocol: 'http' | 'grpc';
  seconds: number;
}
export interface SliceResult {
  spans: number;
  requests: number;
  errors: number;
  /** CPU seconds the client process used during the slice. */
  clientCpuS: number;
}
export type ClientMessage = { ready: true } | SliceResult;

const data = JSON.parse(process.argv[2]!) as IntakeClientData;
const batches = Array.from({ length: data.batches }, (_, b) => encodedBatch(b, data.batchSpans));
let sent = 0;
/** The next batch, its ids made new; a batch comes round again only after `batches` sends. */
function next(): { body: Buffer; spans: number } {
  const b = batches[sent % batches.length]!;
  renew(b, Math.floor(sent / batches.length) + 1);
  sent++;
  return b;
}

const http = new URL(data.httpUrl);
const agent = new Agent({ keepAlive: true, maxSockets: data.concurrency });
function sendHttp(body: Buffer): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(
      { host: http.hostname, port: http.port, path: http.pathname, method: 'POST', agent, headers: { 'content-type': 'application/x-protobuf', 'content-length': body.length } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode === 200));
      },
    );
    req.on('error', () => resolve(false));
    req.end(body);
  });
}

const passThrough = (b: Buffer): Buffer => b;
// One channel (HTTP/2 connection) per sender, as N apps each exporting one batch at a time
// would have: grpc-js would otherwise share one connection between clients of one target.
const grpcClients = Array.from({ length: data.concurrency }, () => new Client(new URL(data.grpcUrl).host, credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 }));
const EXPORT = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
function sendGrpc(body: Buffer, sender: number): Promise<boolean> {
  return new Promise((resolve) => {
    // The exporter's default timeout (OTEL_EXPORTER_OTLP_TIMEOUT, 10 s) as the call's deadline.
    grpcClients[sender]!.makeUnaryRequest(EXPORT, passThrough, passThrough, body, new Metadata(), { deadline: Date.now() + 10_000 }, (err) => resolve(err === null));
  });
}

async function runSlice(req: SliceRequest): Promise<SliceResult> {
  const send = req.protocol === 'http' ? sendHttp : sendGrpc;
  const end = Date.now() + req.seconds * 1000;
  const cpu0 = process.cpuUsage();
  const out: SliceResult = { spans: 0, requests: 0, errors: 0, clientCpuS: 0 };
  const loop = async (sender: number): Promise<void> => {
    while (Date.now() < end) {
      const b = next();
      if (await send(b.body, sender)) {
        out.spans += b.spans;
        out.requests++;
      } else out.errors++;
    }
  };
  await Promise.all(Array.from({ length: data.concurrency }, (_, sender) => loop(sender)));
  const cpu = process.cpuUsage(cpu0);
  out.clientCpuS = (cpu.user + cpu.system) / 1e6;
  return out;
}

const send = (msg: ClientMessage): void => {
  process.send!(msg);
};
process.on('message', (msg: SliceRequest | 'close') => {
  if (msg === 'close') {
    agent.destroy();
    for (const c of grpcClients) c.close();
    process.disconnect();
    return;
  }
  void runSlice(msg).then(send);
});
send({ ready: true });
