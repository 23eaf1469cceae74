// Prompts shared by the examples. The system prompt is long enough (about 1,150 tokens by
// the mock's count) for prompt caching to apply, as it would with a real provider.

const POLICY = [
  'You are the support assistant of a travel company.',
  'Answer briefly, cite the booking reference when the user gives one, and never invent prices.',
  'When the user asks about the weather, call the weather tool instead of guessing.',
  'Escalate to a human agent when the user is angry, asks for a refund above 500 EUR, or mentions a legal claim.',
];

/** About 6,100 bytes: the policy repeated as numbered rules. */
export const SYSTEM_PROMPT = Array.from({ length: 12 }, (_, i) => `Rule ${i + 1}. ${POLICY[i % POLICY.length] as string}`).join('\n').repeat(4);

export const QUESTIONS = [
  'Can I change the date of booking ABC123?',
  'Which documents do I need for a trip to Japan?',
  'What is the weather in Paris tomorrow?',
];
