// The attribute names budgets match on, read from a priced call or a stored ledger row.
import type { LlmCall } from '../types.js';
import type { LedgerCall } from '../store/rows.js';

export type AttributeReader = (key: string) => string | undefined;

export function callAttributes(call: LlmCall): AttributeReader {
  return (key) => {
    switch (key) {
      case 'gen_ai.provider.name': return call.provider;
      case 'gen_ai.request.model': return call.requestModel;
      case 'gen_ai.response.model': return call.responseModel;
      case 'service.name': return call.serviceName;
      case 'gen_ai.agent.name': return call.agentName;
      case 'gen_ai.operation.name': return call.operation;
      default: return call.dimensions[key];
    }
  };
}

export function ledgerAttributes(row: LedgerCall): AttributeReader {
  return (key) => {
    switch (key) {
      case 'gen_ai.provider.name': return row.provider ?? undefined;
      case 'gen_ai.request.model': return row.requestModel ?? undefined;
      case 'gen_ai.response.model': return row.responseModel ?? undefined;
      case 'service.name': return row.service;
      case 'gen_ai.agent.name': return row.agent ?? undefined;
      case 'gen_ai.operation.name': return row.operation ?? undefined;
      default: return row.dimensions[key];
    }
  };
}

/** Builds a predicate: every entry of `match` equals the attribute's value. */
export function compileMatch(match: Readonly<Record<string, string>> | undefined): (read: AttributeReader) => boolean {
  const entries = Object.entries(match ?? {});
  if (entries.length === 0) return () => true;
  return (read) => {
    for (const [k, v] of entries) if (read(k) !== v) return false;
    return true;
  };
}

/** The same predicate specialized for a priced call (no allocation per call: the hot path). */
export function compileCallMatch(match: Readonly<Record<string, string>> | undefined): (call: LlmCall) => boolean {
  const entries = Object.entries(match ?? {});
  if (entries.length === 0) return () => true;
  const readers = entries.map(([key, value]): [(call: LlmCall) => string | undefined, string] => {
    switch (key) {
      case 'gen_ai.provider.name': return [(c) => c.provider, value];
      case 'gen_ai.request.model': return [(c) => c.requestModel, value];
      case 'gen_ai.response.model': return [(c) => c.responseModel, value];
      case 'service.name': return [(c) => c.serviceName, value];
      case 'gen_ai.agent.name': return [(c) => c.agentName, value];
      case 'gen_ai.operation.name': return [(c) => c.operation, value];
      default: return [(c) => c.dimensions[key], value];
    }
  });
  return (call) => {
    for (const [read, value] of readers) if (read(call) !== value) return false;
    return true;
  };
}
