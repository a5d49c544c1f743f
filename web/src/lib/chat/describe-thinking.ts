/**
 * What a finished Thinking block says: "Thought for N s" in whole seconds, at least 1 ("Thought for 0 s" reads as
 * if nothing happened), or "Thought" when this page did not see the thinking begin. The chat and its Markdown export
 * say the same.
 */
export function describeThinking(reasoningMs: number | undefined): string {
  return reasoningMs === undefined ? "Thought" : `Thought for ${Math.max(1, Math.round(reasoningMs / 1000))} s`;
}
