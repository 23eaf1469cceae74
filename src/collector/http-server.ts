// A node:http server that drains without resetting anyone: once draining, every response says
// Connection: close and the caller's handler answers new requests 503 + Retry-After; requests
// already running finish; the port stays open for a short grace so late senders read a 503
// instead of a refused or reset connection; then the remaining (idle) connections are closed.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Server as NetServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';

export interface DrainableServer {
  server: Server;
  port: number;
  /**
   * Drains: waits for the requests running now (up to timeoutMs), keeps answering for graceMs
   * more, then closes every socket. Idempotent.
   */
  close(timeoutMs: number, graceMs?: number): Promise<void>;
}

/** How long draining waits for silent connections before closing them. */
const LINGER_MS = 1000;

export interface ListenTimeouts {
  /** Time allowed for a request's headers. Default: 30000 ms. */
  headersTimeoutMs?: number;
  /** Node's backstop for a whole request; the receiver's own body deadline is shorter. Default: 60000 ms. */
  requestTimeoutMs?: number;
}

export async function listen(
  host: string,
  port: number,
  handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  onError: (err: unknown) => void,
  timeouts: ListenTimeouts = {},
): Promise<DrainableServer> {
  const running = new Set<ServerResponse>();
  let draining = false;
  let onSettled: (() => void) | undefined;
  const server = createServer((req, res) => {
    running.add(res);
    if (draining) res.setHeader('Connection', 'close');
    res.on('close', () => {
      running.delete(res);
      onSettled?.();
    });
    handler(req, res).catch((err: unknown) => {
      onError(err);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  const sockets = new Set<Socket>();
  let onSocketClosed: (() => void) | undefined;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => {
      sockets.delete(socket);
      onSocketClosed?.();
    });
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  server.keepAliveTimeout = 30_000;
  server.headersTimeout = timeouts.headersTimeoutMs ?? 30_000;
  server.requestTimeout = Math.max(timeouts.requestTimeoutMs ?? 60_000, server.headersTimeout + 1000);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', onError);

  /** Resolves once none of `these` is still running, or after timeoutMs. */
  const settled = async (these: Set<ServerResponse>, timeoutMs: number): Promise<void> => {
    const pending = (): boolean => [...these].some((r) => running.has(r));
    if (!pending()) return;
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
      onSettled = () => {
        if (!pending()) resolve();
      };
    });
    onSettled = undefined;
    clearTimeout(timer);
  };

  let closing: Promise<void> | undefined;
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close(timeoutMs, graceMs = 0) {
      closing ??= (async () => {
        draining = true;
        const before = new Set(running);
        for (const res of before) if (!res.headersSent) res.setHeader('Connection', 'close');
        await settled(before, timeoutMs);
        if (graceMs > 0) await new Promise((r) => setTimeout(r, graceMs));
        // Stop listening without http's close(), which would also drop connections accepted a
        // moment ago whose request is still on its way (a reset for that client).
        const closed = new Promise<void>((resolve) => NetServer.prototype.close.call(server, () => resolve()));
        // Connections still open get their request answered 503 + Connection: close and end;
        // only what stays silent for LINGER_MS (idle keep-alive) is closed by us.
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(timeoutMs, LINGER_MS));
          onSocketClosed = () => {
            if (sockets.size === 0) {
              clearTimeout(timer);
              resolve();
            }
          };
          onSocketClosed();
        });
        onSocketClosed = undefined;
        server.closeIdleConnections();
        await settled(new Set(running), Math.min(timeoutMs, LINGER_MS));
        server.closeAllConnections();
        await closed;
      })();
      return closing;
    },
  };
}
