import { describe, expect, it } from "vitest";
import { interruptedByReload, replyExpired } from "../../web/src/lib/chat/describe-failure.js";
import { explainFailure } from "../../web/src/lib/components/explain-failure.js";

const sentences = (text: string) => text.split(/(?<=\.)\s+/);

describe("explainFailure", () => {
  it("adds that the text above is what arrived, when some text arrived", () => {
    const failure = { code: "upstream_timeout" as const, message: "The language model took too long to answer.", retryable: true };
    expect(explainFailure(failure, true)).toBe("The language model took too long to answer. The text above is what arrived before the problem.");
    expect(explainFailure(failure, false)).toBe("The language model took too long to answer.");
  });

  it.each([
    ["a reply cut off by a reload", interruptedByReload()],
    ["a reply the server no longer has", replyExpired()],
    [
      "a failure stored by an earlier version",
      {
        code: "interrupted_by_reload" as const,
        message: "The page was closed or reloaded while this reply was arriving. The text above is what had arrived.",
        retryable: true,
      },
    ],
  ])("says each sentence once for %s", (_name, failure) => {
    const text = explainFailure(failure, true);
    expect(text).toBe(failure.message);
    expect(new Set(sentences(text)).size).toBe(sentences(text).length);
  });
});
