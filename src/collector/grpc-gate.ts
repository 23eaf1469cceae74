// Admission of OTLP/gRPC calls, decided on the call's metadata before its message is read
// (so a refused call never has its body buffered): drain, bearer token, concurrency, and a
// cap on how long a client may take to send its message. A grpc-js server interceptor.
import { Metadata, ServerInterceptingCall, status } from '@grpc/grpc-js';
import type { ServerInterceptor } from '@grpc/grpc-js';
import type { BearerCheck } from './bearer-token.js';

export interface GrpcGateOptions {
  /** undefined = no auth. */
  authorized: BearerCheck | undefined;
  /** Calls admitted at once; more get UNAVAILABLE (retryable) at once. */
  maxConcurrentCalls: number;
  /** A call whose message has not fully arrived by then gets DEADLINE_EXCEEDED (frees its slot). */
  readTimeoutMs: number;
  /** True once shutdown began: new calls get UNAVAILABLE so exporters retry. */
  isDraining: () => boolean;
  /** Called when a call is refused for lack of capacity (for /healthz). */
  onBusy?: () => void;
}

export interface GrpcGate {
  interceptor: ServerInterceptor;
  /** Calls admitted and not finished. */
  readonly active: number;
  /** Resolves when no admitted call is left (at once if none). */
  idle(): Promise<void>;
}

/** OTLP/gRPC spec: RetryInfo in the status details makes RESOURCE_EXHAUSTED retryable; UNAVAILABLE always is. */
function refusal(code: status, details: string): { code: status; details: string; metadata: Metadata } {
  return { code, details, metadata: new Metadata() };
}

export function createGrpcGate(opts: GrpcGateOptions): GrpcGate {
  let active = 0;
  let idleWaiters: (() => void)[] = [];
  const release = (): void => {
    active--;
    if (active === 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const w of waiters) w();
    }
  };

  const interceptor: ServerInterceptor = (_method, call) => {
    let admitted = false;
    let timer: NodeJS.Timeout | undefined;
    // Called from both the status we send and the cancel grpc-js reports at the end of every
    // call (a cut stream gives only the latter): whichever comes first frees the slot.
    const finish = (): void => {
      clearTimeout(timer);
      if (!admitted) return;
      admitted = false;
      release();
    };
    return new ServerInterceptingCall(call, {
      start(next) {
        next({
          onReceiveMetadata(metadata, mdNext) {
            if (opts.isDraining()) return call.sendStatus(refusal(status.UNAVAILABLE, 'shutting down; retry'));
            if (opts.authorized !== undefined) {
              const header = metadata.get('authorization')[0];
              if (!opts.authorized(typeof header === 'string' ? header : undefined)) {
                return call.sendStatus(refusal(status.UNAUTHENTICATED, 'missing or wrong bearer token in the authorization metadata'));
              }
            }
            if (active >= opts.maxConcurrentCalls) {
              opts.onBusy?.();
              return call.sendStatus(refusal(status.UNAVAILABLE, `over ${opts.maxConcurrentCalls} concurrent calls; retry`));
            }
            admitted = true;
            active++;
            timer = setTimeout(() => call.sendStatus(refusal(status.DEADLINE_EXCEEDED, `request message not received within ${opts.readTimeoutMs} ms`)), opts.readTimeoutMs);
            timer.unref();
            mdNext(metadata);
          },
          onReceiveMessage(message, msgNext) {
            clearTimeout(timer);
            msgNext(message);
          },
          onCancel: finish,
        });
      },
      sendStatus(s, next) {
        finish();
        next(s);
      },
    });
  };

  return {
    interceptor,
    get active() {
      return active;
    },
    idle: () => (active === 0 ? Promise.resolve() : new Promise<void>((resolve) => idleWaiters.push(resolve))),
  };
}
