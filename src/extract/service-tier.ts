// The service tier of a call, normalized to the few values that change its price.

import type { ServiceTier } from '../types.js';

/** Tiers priced differently from a provider's standard rates (the ServiceTier values). */
export const SERVICE_TIERS: readonly ServiceTier[] = ['flex', 'priority', 'scale', 'batch'];

/**
 * Values that mean the standard rates: OpenAI `default` / `auto` (the request left the choice
 * to the API), Anthropic `standard` / `standard_only`. They give undefined (no tier label).
 */
const STANDARD = new Set(['default', 'auto', 'standard', 'standard_only', 'on_demand']);
const KNOWN: ReadonlySet<string> = new Set(SERVICE_TIERS);

/** A tier from an attribute value; undefined for standard, absent or unrecognised values. */
export function normalizeServiceTier(value: unknown): ServiceTier | undefined {
  if (typeof value !== 'string') return undefined;
  const v = value.trim().toLowerCase();
  if (v === '' || STANDARD.has(v)) return undefined;
  return KNOWN.has(v) ? (v as ServiceTier) : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON text of an object, or undefined; only parsed when it mentions a service tier at all. */
function parseMentioningTier(value: unknown): Record<string, unknown> | undefined {
  if (typeof value !== 'string' || value.length > 65_536) return undefined;
  if (!value.includes('ervice_tier') && !value.includes('erviceTier')) return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    return isRecord(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The tier in the Vercel AI SDK's `ai.response.providerMetadata`: per provider key,
 * `serviceTier` (@ai-sdk/openai: the response's service_tier) or `usage.service_tier`
 * (@ai-sdk/anthropic passes Anthropic's usage object through).
 */
export function tierFromProviderMetadata(value: unknown): ServiceTier | undefined {
  const metadata = parseMentioningTier(value);
  if (metadata === undefined) return undefined;
  for (const entry of Object.values(metadata)) {
    if (!isRecord(entry)) continue;
    const usage = entry.usage;
    const raw = entry.serviceTier ?? entry.service_tier ?? (isRecord(usage) ? usage.service_tier : undefined);
    if (raw !== undefined) return normalizeServiceTier(raw);
  }
  return undefined;
}

/** The requested tier in OpenInference's `llm.invocation_parameters` JSON (`service_tier`). */
export function tierFromInvocationParameters(value: unknown): ServiceTier | undefined {
  const parameters = parseMentioningTier(value);
  return parameters === undefined ? undefined : normalizeServiceTier(parameters.service_tier);
}
