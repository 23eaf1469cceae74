import { describe, expect, it } from 'vitest';
import type { Attributes } from '@opentelemetry/api';
import { Extractor } from '../../src/extract/index.js';
import * as d from '../fixtures/dialects.js';
import { emitSpans, spanInput } from '../fixtures/spans.js';

const extractor = new Extractor();
function role(attributes: Attributes): string | undefined {
  const input = emitSpans({ name: 'span', attributes }).input('span');
  return extractor.extract(input)?.role;
}
const usage = { 'gen_ai.usage.input_tokens': 10, 'gen_ai.usage.output_tokens': 2 };

describe('which spans are calls, wrappers or neither', () => {
  it('ignores a plain HTTP span, and the pre-check rejects it', () => {
    const attributes = { 'http.request.method': 'POST', 'url.full': 'https://api.example.com/v1', 'http.response.status_code': 200 };
    const input = emitSpans({ name: 'POST', attributes }).input('POST');
    expect(extractor.isCandidate(input.attributes)).toBe(false);
    expect(extractor.extract(input)).toBeUndefined();
  });

  it.each(['invoke_agent', 'agent_step', 'invoke_workflow', 'create_agent', 'execute_tool'])(
    'gen_ai.operation.name %s is a wrapper: undefined without usage, role wrapper with it',
    (operation) => {
      expect(role({ 'gen_ai.operation.name': operation, 'gen_ai.agent.name': 'a' })).toBeUndefined();
      expect(role({ 'gen_ai.operation.name': operation, ...usage })).toBe('wrapper');
    },
  );

  it.each(['AGENT', 'CHAIN', 'TOOL', 'RETRIEVER', 'RERANKER', 'GUARDRAIL'])('openinference.span.kind %s is a wrapper', (kind) => {
    expect(role({ 'openinference.span.kind': kind, 'llm.model_name': 'gpt-4o' })).toBeUndefined();
    expect(role({ 'openinference.span.kind': kind, 'llm.token_count.prompt': 5 })).toBe('wrapper');
  });

  it.each(['workflow', 'task', 'agent', 'tool'])('traceloop.span.kind %s is a wrapper', (kind) => {
    expect(role({ 'traceloop.span.kind': kind })).toBeUndefined();
    expect(role({ 'traceloop.span.kind': kind, ...usage })).toBe('wrapper');
  });

  it('treats Vercel root spans as wrappers and do* spans as calls', () => {
    expect(role(d.VERCEL_ROOT.attributes)).toBe('wrapper');
    expect(role(d.VERCEL_DO_GENERATE.attributes)).toBe('call');
    expect(role({ 'ai.operationId': 'ai.streamText.doStream', 'ai.model.id': 'gpt-4o' })).toBe('call');
    expect(role({ 'ai.operationId': 'ai.toolCall', 'ai.toolCall.name': 'search' })).toBeUndefined();
  });

  it('checks ai.operationId before gen_ai.operation.name', () => {
    expect(role({ 'ai.operationId': 'ai.generateText', 'gen_ai.operation.name': 'chat', ...usage })).toBe('wrapper');
    expect(role({ 'ai.operationId': 'ai.generateText.doGenerate', 'gen_ai.operation.name': 'invoke_agent', ...usage })).toBe(
      'call',
    );
  });

  it('counts a span with a model but no usage as a call with unknown tokens', () => {
    const input = emitSpans({ name: 'span', attributes: { 'gen_ai.request.model': 'gpt-4o' } }).input('span');
    const call = extractor.extract(input);
    expect([call?.role, call?.inputTokens, call?.outputTokens]).toEqual(['call', undefined, undefined]);
  });

  it('treats Langfuse generations as calls and agent observations as wrappers', () => {
    expect(role(d.LANGFUSE_GENERATION.attributes)).toBe('call');
    expect(role({ 'langfuse.observation.type': 'agent' })).toBeUndefined();
    expect(role({ 'langfuse.observation.type': 'span', 'langfuse.session.id': 's' })).toBeUndefined();
  });
});

describe('spans that name an operation or provider but no model and no usage', () => {
  it('are not calls: an OpenLLMetry guardrail span or a bare provider tag bills nothing', () => {
    const extractor = new Extractor();
    const span = (attributes: Record<string, unknown>) => spanInput(attributes);
    expect(extractor.extract(span({ 'gen_ai.operation.name': 'guard' }))).toBeUndefined();
    expect(extractor.extract(span({ 'gen_ai.operation.name': 'chat' }))).toBeUndefined();
    expect(extractor.extract(span({ 'gen_ai.provider.name': 'openai' }))).toBeUndefined();
    expect(extractor.extract(span({ 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o' }))?.role).toBe('call');
  });
});
