// A downstream OTLP/HTTP receiver for forwarding tests that can hold every request (a slow or
// stuck backend) and counts the spans it finally accepts.
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeTraceRequestJson } from '../../../src/collector/otlp-json-decode.js';
import { decodeTraceRequestProto } from '../../../src/collector/otlp-proto-decode.js';

export interface HeldDownstream {
  url: string;
  /** Spans in the requests answered 200. */
  spans: number;
  /** Requests waiting for release(). */
  held: number;
  /** While holding, requests wait; release() answers them all and stops holding. */
  hold(): void;
  release(): void;
  /** Answer this status (e.g. 503) instead of accepting, while set. */
  failWith: number | undefined;
  close(): Promise<void>;
}

export async function heldDownstream(): Promise<HeldDownstream> {
  let holding = false;
  const waiting: Array<() => void> = [];
  const d: HeldDownstream = {
    url: '',
    spans: 0,
    get held() {
      return waiting.length;
    },
    hold: () => {
      holding = true;
    },
    release: () => {
      holding = false;
      for (const w of waiting.splice(0)) w();
    },
    failWith: undefined,
    close: async () => {
      d.release();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  const answer = (req: IncomingMessage, res: ServerResponse, body: Buffer): void => {
    if (d.failWith !== undefined) {
      res.writeHead(d.failWith).end();
      return;
    }
    const batch = req.headers['content-type'] === 'application/json' ? decodeTraceRequestJson(body.toString()) : decodeTraceRequestProto(body);
    d.spans += batch.totalSpans;
    res.writeHead(200, { 'content-type': String(req.headers['content-type']) }).end();
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (holding) waiting.push(() => answer(req, res, body));
      else answer(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  d.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`;
  return d;
}
