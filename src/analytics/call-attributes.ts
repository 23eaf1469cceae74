// The attribute names budgets match on, read from a priced call or a stored ledger row.
import type { LlmCall } from '../types.js';
import type { LedgerCall } from '../store/cost-store.js';

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
