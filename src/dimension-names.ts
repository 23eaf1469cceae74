// Which attribute names may be metric dimensions. Ids (one value per request, session, person
// or trace) and free text would make one Prometheus series per value, so they are refused at
// start. Ids are recognised by the shape of the name, not by a list: instrumentations invent
// new ones (`request_uuid`, `chat.thread.id`, `ai.telemetry.metadata.sessionId`) faster than a
// list can follow.

/** Free-text attributes: prompts, completions, URLs. Unbounded, and often private. */
const FREE_TEXT = new Set([
  'http.url', 'url.full', 'url.path', 'url.query', 'gen_ai.prompt', 'gen_ai.completion', 'gen_ai.input.messages',
  'gen_ai.output.messages', 'gen_ai.system_instructions', 'input.value', 'output.value', 'ai.prompt', 'ai.response.text',
]);

/**
 * The id word a name ends in: `id`, `uuid`, `guid` (or `ids`) as its last dotted, snake or
 * kebab segment (`user.id`, `trace_id`, `request-uuid`, `id`), or camelCase (`sessionId`, `requestUUID`).
 */
const ID_SUFFIX = /(?:^|[._\-/:])(ids?|uuids?|guids?)$|[a-z0-9](Ids?|ID|Uuid|UUID|Guid|GUID)$/;

/** Where the values of an id-like attribute can be found instead of a metric label. */
function whereInstead(name: string): string {
  const lower = name.toLowerCase();
  if (lower.includes('session') || lower.includes('conversation') || lower.includes('thread')) {
    return 'remove it from dimensions: sessions are tracked per session already (processor.analytics.topSessions() and session(id); GET /api/top-sessions and /api/session/ID), read from session.id, gen_ai.conversation.id and the other session keys';
  }
  if (lower.includes('user')) {
    return 'remove it from dimensions: users are tracked per user already (processor.analytics.topUsers(); GET /api/top-users), read from user.id, enduser.id and the other user keys';
  }
  return 'remove it from dimensions: every call is in the ledger with its trace and span ids (processor.analytics.breakdown(); GET /api/breakdown). '
    + 'If its values are few and fixed (a tenant or team id), put them in an attribute whose name does not end in id, e.g. `tenant`, and list that';
}

/** Why `name` may not be a metric dimension, as { problem, fix }; undefined when it may. */
export function unboundedDimension(name: string): { problem: string; fix: string } | undefined {
  if (FREE_TEXT.has(name)) {
    return { problem: `${name} holds free text (prompts, completions or URLs) and would create unbounded metric series`, fix: 'remove it from dimensions' };
  }
  const m = ID_SUFFIX.exec(name);
  if (m === null) return undefined;
  const word = (m[1] ?? m[2])!;
  return {
    problem: `${name} looks like an id (its name ends in "${word}"): ids identify single requests, sessions or people and would create unbounded metric series`,
    fix: whereInstead(name),
  };
}
