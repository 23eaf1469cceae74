// Admission of OTLP/gRPC calls, as OTLP/HTTP admits requests: drain and bearer token on the
// call's headers (a refused call's message is never read), then a concurrency slot once its
// message has fully arrived (a slow sender holds none while it sends; what it has sent comes
// from the shared read budget, and body_timeout_ms ends it).
import type { BearerCheck } from './bearer-token.js';
import { GRPC_STATUS } from './grpc-wire.js';
import type { GrpcStatus } from './grpc-wire.js';

export interface GrpcGateOptions {
  /** undefined = no auth. */
  authorized: BearerCheck | undefined;
  /** Calls decompressed and processed at once; more get UNAVAILABLE (retryable). */
  maxConcurrentCalls: number;
  /** True once shutdown began: new calls get UNAVAILABLE so exporters retry. */
  isDraining: () => boolean;
  /** Called when a call is refused for lack of capacity (for /healthz). */
  onBusy?: () => void;
}

/** A hold on the gate; release() is idempotent. */
export interface GrpcHold {
  release(): void;
}

export interface GrpcGate {
  /** Checks a new call's headers: a hold for drain to wait on, or the status that refuses it. */
  admit(authorization: string | undefined): GrpcHold | GrpcStatus;
  /** A processing slot for a call whose message has arrived, or UNAVAILABLE. */
  process(): GrpcHold | GrpcStatus;
  /** Calls admitted and not finished. */
  readonly active: number;
  /** Resolves when no admitted call is left (at once if none). */
  idle(): Promise<void>;
}

function hold(release: () => void): GrpcHold {
  let held = true;
  return {
    release() {
      if (!held) return;
      held = false;
      release();
    },
  };
}

// OTLP/gRPC spec: UNAVAILABLE is always retried; RESOURCE_EXHAUSTED only with RetryInfo.
export function createGrpcGate(opts: GrpcGateOptions): GrpcGate {
  let active = 0;
  let processing = 0;
  let idleWaiters: (() => void)[] = [];

  return {
    admit(authorization) {
      if (opts.isDraining()) return { code: GRPC_STATUS.UNAVAILABLE, details: 'shutting down; retry' };
      if (opts.authorized !== undefined && !opts.authorized(authorization)) {
        return { code: GRPC_STATUS.UNAUTHENTICATED, details: 'missing or wrong bearer token in the authorization metadata' };
      }
      active++;
      return hold(() => {
        active--;
        if (active === 0) {
          const waiters = idleWaiters;
          idleWaiters = [];
          for (const w of waiters) w();
        }
      });
    },
    process() {
      if (processing >= opts.maxConcurrentCalls) {
        opts.onBusy?.();
        return { code: GRPC_STATUS.UNAVAILABLE, details: `over ${opts.maxConcurrentCalls} calls being processed; retry` };
      }
      processing++;
      return hold(() => processing--);
    },
    get active() {
      return active;
    },
    idle: () => (active === 0 ? Promise.resolve() : new Promise<void>((resolve) => idleWaiters.push(resolve))),
  };
}
