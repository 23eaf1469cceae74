// What the mock answers: deterministic text, or a tool call when the request offers
// tools and no tool result has come back yet (so a tool-calling agent takes two steps).

export interface ToolCallReply {
  kind: 'tool_call';
  id: string;
  name: string;
  /** JSON-encoded arguments. */
  arguments: string;
}

export interface TextReply {
  kind: 'text';
  text: string;
}

export type Reply = ToolCallReply | TextReply;

export interface ToolSpec {
  name: string;
  /** JSON schema of the arguments. */
  parameters: unknown;
}

function truncate(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max)}...`;
}

/** A value that satisfies a JSON schema's required properties (strings, numbers, booleans). */
export function sampleArguments(schema: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (schema === null || typeof schema !== 'object') return out;
  const { properties, required } = schema as { properties?: Record<string, { type?: string; enum?: unknown[] }>; required?: string[] };
  for (const name of required ?? Object.keys(properties ?? {})) {
    const prop = properties?.[name] ?? {};
    if (Array.isArray(prop.enum) && prop.enum.length > 0) out[name] = prop.enum[0];
    else if (prop.type === 'number' || prop.type === 'integer') out[name] = 3;
    else if (prop.type === 'boolean') out[name] = true;
    else out[name] = name === 'city' || name === 'location' ? 'Paris' : `sample ${name}`;
  }
  return out;
}

/**
 * @param lastUserText the latest user message
 * @param toolResult the latest tool result, if the conversation has one
 * @param tools the tools the request offers
 * @param callIndex used to build a stable tool call id
 */
export function decideReply(lastUserText: string, toolResult: string | undefined, tools: ToolSpec[], callIndex: number): Reply {
  const tool = tools[0];
  if (tool !== undefined && toolResult === undefined) {
    return {
      kind: 'tool_call',
      id: `call_mock_${callIndex}`,
      name: tool.name,
      arguments: JSON.stringify(sampleArguments(tool.parameters)),
    };
  }
  const base = `Mock answer to "${truncate(lastUserText, 60)}".`;
  return { kind: 'text', text: toolResult === undefined ? base : `${base} The tool said: ${truncate(toolResult, 60)}` };
}

/** Splits a text into a few stream deltas (word boundaries kept). */
export function streamPieces(text: string): string[] {
  const words = text.split(/(?<= )/);
  const pieces: string[] = [];
  for (let i = 0; i < words.length; i += 3) pieces.push(words.slice(i, i + 3).join(''));
  return pieces.length > 0 ? pieces : [''];
}
