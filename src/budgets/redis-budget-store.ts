// The shared budget store on Redis: one Lua script per sync applies this replica's batch of
// spend at most once, reads the fleet totals back and claims once-per-fleet events, in one
// round trip. The client (ioredis) is loaded only when a budget store is configured.
import type { Redis } from 'ioredis';

/** Spend owed to one fleet counter, in integer micro-dollars. */
export interface SpendIncrement {
  key: string;
  /** Hash field (a rolling budget's time bucket), or '' for a plain per-period counter. */
  field: string;
  micros: number;
  /** Time to live of the key from now (ms), renewed on every increment. */
  ttlMs: number;
}

/** A fleet total to read: a plain counter, or the sum of a hash's buckets from `fromField` on. */
export interface SpendRead {
  key: string;
  /** '' reads a plain counter; otherwise the smallest bucket (a number) still in the window. */
  fromField: string;
}

/** A once-per-fleet event: the first replica whose SET NX succeeds fires it. */
export interface EventClaim {
  key: string;
  ttlMs: number;
}

export interface SyncRequest {
  /** This replica's sequence key (holds the last batch number it applied). */
  seqKey: string;
  /** Batch number; a batch whose number is not above the stored one was applied before. */
  seq: number;
  seqTtlMs: number;
  increments: readonly SpendIncrement[];
  reads: readonly SpendRead[];
  claims: readonly EventClaim[];
  /** Written into claim keys so a retried claim whose reply was lost still counts as won. */
  replicaId: string;
}

export interface SyncReply {
  /** false when this batch had been applied by an earlier attempt whose reply was lost. */
  applied: boolean;
  /** Fleet totals in micro-dollars, aligned with the request's reads. */
  totals: number[];
  /** Whether this replica owns each claim, aligned with the request's claims. */
  won: boolean[];
}

export interface RedisStoreOptions {
  url: string;
  /** Rejects a command that has not answered in this many ms (the store counts as unreachable). */
  commandTimeoutMs: number;
}

// KEYS: [seqKey, ...increment keys, ...read keys, ...claim keys]
// ARGV: [seq, seqTtlMs, nInc, nRead, nClaim, replicaId, (field, micros, ttlMs) x nInc, fromField x nRead, ttlMs x nClaim]
// Scripts run atomically: the sequence check and the increments cannot interleave with another
// replica's batch or with a retry of this one.
const SYNC_SCRIPT = `
local seq = tonumber(ARGV[1])
local nInc, nRead, nClaim = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local id = ARGV[6]
local k, a = 2, 7
local applied = 0
if nInc > 0 then
  local last = tonumber(redis.call('GET', KEYS[1]) or '0')
  if seq > last then
    for i = 1, nInc do
      local key, field, micros, ttl = KEYS[k + i - 1], ARGV[a], ARGV[a + 1], ARGV[a + 2]
      if field == '' then redis.call('INCRBY', key, micros) else redis.call('HINCRBY', key, field, micros) end
      redis.call('PEXPIRE', key, ttl)
      a = a + 3
    end
    redis.call('SET', KEYS[1], seq, 'PX', ARGV[2])
    applied = 1
  else
    a = a + 3 * nInc
  end
  k = k + nInc
end
local totals = {}
for i = 1, nRead do
  local key, from = KEYS[k], ARGV[a]
  if from == '' then
    totals[i] = tonumber(redis.call('GET', key) or '0')
  else
    local sum, old = 0, {}
    local flat = redis.call('HGETALL', key)
    for j = 1, #flat, 2 do
      if tonumber(flat[j]) >= tonumber(from) then sum = sum + tonumber(flat[j + 1]) else old[#old + 1] = flat[j] end
    end
    for j = 1, #old do redis.call('HDEL', key, old[j]) end
    totals[i] = sum
  end
  k, a = k + 1, a + 1
end
local won = {}
for i = 1, nClaim do
  local key = KEYS[k]
  local ok = redis.call('SET', key, id, 'NX', 'PX', ARGV[a])
  if ok or redis.call('GET', key) == id then won[i] = 1 else won[i] = 0 end
  k, a = k + 1, a + 1
end
return {applied, totals, won}
`;

type SyncCommand = (numKeys: number, ...args: (string | number)[]) => Promise<[number, number[], number[]]>;

/** One Redis connection that fails fast: no offline queue, no resend, no retry per command. */
export class RedisBudgetStore {
  private constructor(private readonly client: Redis & { otelLlmCostSync: SyncCommand }) {}

  static async open(options: RedisStoreOptions, onError: (err: Error) => void): Promise<RedisBudgetStore> {
    const { Redis: RedisClient } = await import('ioredis');
    const client = new RedisClient(options.url, {
      lazyConnect: true,
      // A command sent while disconnected fails at once; the sync loop retries the same batch.
      enableOfflineQueue: false,
      autoResendUnfulfilledCommands: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs,
      connectTimeout: options.commandTimeoutMs,
      // No reconnect timer of the client's own: the sync loop (an unref'd timer) reconnects, so
      // an app that ends without shutting the processor down is not kept alive by Redis.
      retryStrategy: () => null,
    });
    client.on('error', onError);
    // Idle, the socket does not keep the process alive; sync() holds it while a reply is due.
    client.on('connect', () => client.stream?.unref?.());
    client.defineCommand('otelLlmCostSync', { lua: SYNC_SCRIPT });
    return new RedisBudgetStore(client as Redis & { otelLlmCostSync: SyncCommand });
  }

  /** Connects (again) if the connection is closed; rejects when Redis cannot be reached. */
  async connected(): Promise<void> {
    const status = this.client.status;
    if (status === 'wait' || status === 'end' || status === 'close') await this.client.connect();
  }

  /** One round trip (EVALSHA, or EVAL once after a script flush). */
  async sync(req: SyncRequest): Promise<SyncReply> {
    const keys = [req.seqKey, ...req.increments.map((i) => i.key), ...req.reads.map((r) => r.key), ...req.claims.map((c) => c.key)];
    const args: (string | number)[] = [req.seq, req.seqTtlMs, req.increments.length, req.reads.length, req.claims.length, req.replicaId];
    for (const i of req.increments) args.push(i.field, i.micros, Math.max(1000, Math.ceil(i.ttlMs)));
    for (const r of req.reads) args.push(r.fromField);
    for (const c of req.claims) args.push(Math.max(1000, Math.ceil(c.ttlMs)));
    const stream = this.client.stream;
    stream?.ref?.();
    try {
      const [applied, totals, won] = await this.client.otelLlmCostSync(keys.length, ...keys, ...args);
      return { applied: applied === 1, totals: totals.map(Number), won: won.map((w) => w === 1) };
    } finally {
      stream?.unref?.();
    }
  }

  /** Waits for replies already on the wire, then closes; disconnects at once if Redis is away. */
  async close(): Promise<void> {
    if (this.client.status === 'ready') {
      this.client.stream?.ref?.();
      await this.client.quit().catch(() => this.client.disconnect());
    } else {
      this.client.disconnect();
    }
  }
}
