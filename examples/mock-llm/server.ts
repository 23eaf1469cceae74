// A local mock of the OpenAI and Anthropic HTTP APIs for the examples and their tests.
// Listens on 127.0.0.1 (port 0 = any free port) and logs every call with the usage it
// reported, so a test can price exactly what the instrumented app was billed. A request
// with the header `x-mock-error: 429` (or any status >= 400) gets that error instead.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { messages } from './anthropic.js';
import { chatCompletions, embeddings, responses } from './openai.js';
import type { HandlerContext, MockCall, MockResponse } from './types.js';
import { PrefixCache } from './usage.js';

export interface MockLlmOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
  /** Unix seconds written as `created` in responses. Default 1767225600 (2026-01-01). */
  created?: number;
}

type Handler = (body: Record<string, unknown>, ctx: HandlerContext, cache: PrefixCache) => { call: Omit<MockCall, 'index'>; response: MockResponse };

const ROUTES: Record<string, Handler> = {
  '/v1/chat/completions': chatCompletions,
  '/v1/responses': responses,
  '/v1/embeddings': (body) => embeddings(body),
  '/v1/messages': messages,
};

export class MockLlmServer {
  /** Every answered call, in arrival order. */
  readonly calls: MockCall[] = [];
  /** Requests answered with an error because they asked for one (`x-mock-error: <status>`). */
  readonly errors: { path: string; status: number; model: string }[] = [];
  private readonly server: Server;
  private readonly cache = new PrefixCache();
  private readonly created: number;
  private address: AddressInfo | undefined;

  constructor(private readonly options: MockLlmOptions = {}) {
    this.created = options.created ?? 1767225600;
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: String(err), type: 'mock_error' } }));
      });
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', () => resolve());
    });
    this.address = this.server.address() as AddressInfo;
    return this;
  }

  /** e.g. http://127.0.0.1:40123 (no /v1). */
  get url(): string {
    if (this.address === undefined) throw new Error('MockLlmServer: call start() first');
    return `http://${this.address.address}:${this.address.port}`;
  }

  /** Base URL for OpenAI-style clients: `${url}/v1`. */
  get openAiBaseUrl(): string {
    return `${this.url}/v1`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const handler = req.method === 'POST' ? ROUTES[path] : undefined;
    if (handler === undefined) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `mock: no route ${req.method} ${path}`, type: 'not_found' } }));
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    const forcedError = Number(req.headers['x-mock-error']);
    if (Number.isInteger(forcedError) && forcedError >= 400) {
      this.errors.push({ path, status: forcedError, model: String(body.model) });
      res.writeHead(forcedError, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `mock: forced ${forcedError}`, type: forcedError === 429 ? 'rate_limit_exceeded' : 'server_error', code: null } }));
      return;
    }
    const index = this.calls.length;
    const { call, response } = handler(body, { index, created: this.created }, this.cache);
    this.calls.push({ index, ...call });
    const headers = { 'x-request-id': `req_mock_${index}`, 'request-id': `req_mock_${index}` };
    if ('json' in response) {
      res.writeHead(response.status ?? 200, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(response.json));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...headers });
    for (const event of response.events) {
      const data = event.data === '[DONE]' ? '[DONE]' : JSON.stringify(event.data);
      res.write(`${event.event === undefined ? '' : `event: ${event.event}\n`}data: ${data}\n\n`);
    }
    res.end();
  }
}

export async function startMockLlm(options: MockLlmOptions = {}): Promise<MockLlmServer> {
  return new MockLlmServer(options).start();
}
