import type { SendMessageRequest } from "../../contract/index.js";
import type { ReplyPart } from "../chat/reply-part.js";

/**
 * The usual rule of thumb for English text with OpenAI-style tokenizers: about four characters a token. Used only
 * when the provider reports no usage (many OpenAI-compatible servers do not, and a reply cut short never gets it).
 */
const CHARACTERS_PER_TOKEN = 4;

/** Characters the model reads for this request: the message and every turn of history sent with it. */
export function countPromptCharacters(request: Pick<SendMessageRequest, "message" | "history">): number {
  return request.message.length + (request.history ?? []).reduce((sum, turn) => sum + turn.content.length, 0);
}

/**
 * Passes a reply's parts through and, once the reply has ended however it ended (complete, failure, client gone,
 * Stop, shutdown), reports its tokens: the provider's `usage.totalTokens` (input + output) when it sent one;
 * otherwise an estimate, (prompt characters + reply and reasoning characters so far) / 4, rounded up; and 0 when the model
 * answered nothing at all, since a provider that failed before its first chunk has spent nothing.
 */
export async function* meterReplyTokens(
  parts: AsyncIterable<ReplyPart>,
  { promptCharacters, onEnd }: { promptCharacters: number; onEnd: (tokens: number) => void },
): AsyncGenerator<ReplyPart> {
  let answered = false;
  let replyCharacters = 0;
  let reported: number | undefined;
  try {
    for await (const part of parts) {
      answered = true;
      // Reasoning is output the provider bills too.
      if (part.type === "token" || part.type === "reasoning") replyCharacters += part.content.length;
      else if (part.usage) reported = part.usage.totalTokens;
      yield part;
    }
  } finally {
    onEnd(reported ?? (answered ? Math.ceil((promptCharacters + replyCharacters) / CHARACTERS_PER_TOKEN) : 0));
  }
}
