// A chunk of ledger calls as one binary value (format: ledger-format.ts).
import type { LedgerCall, PendingCall } from './ledger-call.js';
import { LedgerBlockReader } from './ledger-block-reader.js';
import { LedgerBlockWriter } from './ledger-block-writer.js';

export function encodeLedgerBlock(calls: readonly PendingCall[]): Buffer {
  const writer = new LedgerBlockWriter(calls.length);
  for (const c of calls) writer.addPending(c);
  return Buffer.from(writer.finish().data);
}

export function decodeLedgerBlock(buf: Uint8Array): LedgerCall[] {
  const reader = new LedgerBlockReader(buf);
  const calls: LedgerCall[] = [];
  for (let i = 0; i < reader.count; i++) calls.push(reader.call(i));
  return calls;
}
