// Admission of OTLP/gRPC calls, decided on the call's headers before its message is read (so a
// refused call never has its message buffered): drain, bearer token, concurrency.
import type { BearerCheck } from './bearer-token.js';
import { GRPC_STATUS } from './grpc-wire.js';
import type { GrpcStatus } from './grpc-wire.js';

export interface GrpcGateOptions {
  /** undefined = no auth. */
  authorized: BearerCheck | undefined;
  /** Calls admitted at once; more get UNAVAILABLE (retryable) at once. */
  maxConcurrentCalls: number;
  /** True once shutdown began: new calls get UNAVAILABLE so exporters retry. */
  isDraining: () => boolean;
  /** Called when a call is refused for lack of capacity (for /healthz). */
  onBusy?: () => void;
}

/** An admitted call's slot; release() is idempotent. */
export interface GrpcSlot {
  release(): void;
}

export interface GrpcGate {
  /** A slot, or the status that refuses the call. */
  admit(authorization: string | undefined): GrpcSlot | GrpcStatus;
  /** Calls admitted and not released. */
  readonly active: number;
  /** Resolves when no admitted call is left (at once if none). */
  idle(): Promise<void>;
}

// OTLP/gRPC spec: UNAVAILABLE is always retried; RESOURCE_EXHAUSTED only with RetryInfo.
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

  return {
    admit(authorization) {
      if (opts.isDraining()) return { code: GRPC_STATUS.UNAVAILABLE, details: 'shutting down; retry' };
      if (opts.authorized !== undefined && !opts.authorized(authorization)) {
        return { code: GRPC_STATUS.UNAUTHENTICATED, details: 'missing or wrong bearer token in the authorization metadata' };
      }
      if (active >= opts.maxConcurrentCalls) {
        opts.onBusy?.();
        return { code: GRPC_STATUS.UNAVAILABLE, details: `over ${opts.maxConcurrentCalls} concurrent calls; retry` };
      }
      active++;
      let held = true;
      return {
        release() {
          if (!held) return;
          held = false;
          release();
        },
      };
    },
    get active() {
      return active;
    },
    idle: () => (active === 0 ? Promise.resolve() : new Promise<void>((resolve) => idleWaiters.push(resolve))),
  };
}
