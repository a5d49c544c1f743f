/**
 * What a conversation's session is doing: the status bar shows it for the open conversation, the list marks the others.
 * - `thinking`: the model is reasoning (a request with `includeReasoning`) and has not begun its answer.
 * - `queued`: the reply is generating on the server, and waits for one of the browser's stream slots to be shown.
 * - `reconnecting`: the connection dropped; the reply is being picked up again where it was.
 * - `detached`: the conversation is out of view, and the reply generates on the server unread until it is shown
 *   again or a slot for replies out of view frees.
 */
export type ChatStatus = "ready" | "queued" | "sending" | "thinking" | "streaming" | "reconnecting" | "detached" | "error";

/** Statuses in which a page reads the reply or is about to: another tab's copy must not replace it then. */
export const ATTACHED_STATUSES: readonly ChatStatus[] = ["queued", "sending", "thinking", "streaming", "reconnecting"];

/** What a page reading the reply shows: thinking until the answer's first token, then streaming. */
export function readingStatus(reply: { content: string; reasoning?: string }): "thinking" | "streaming" {
  return reply.content === "" && (reply.reasoning ?? "") !== "" ? "thinking" : "streaming";
}
