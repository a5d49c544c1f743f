/**
 * ChatSession driving the real SDK over real HTTP against the real app, which talks to a fake OpenAI-compatible
 * upstream: what the person sees while a reply streams, Stop, regenerate, edit-and-resend, and the history sent.
 */
import { describe, expect, it } from "vitest";
import { MAX_HISTORY_TURNS, MAX_MESSAGE_LENGTH, MAX_TURN_LENGTH, type ChatClient } from "../../sdk/index.js";
import type { FakeOpenAiUpstream } from "../../fixtures/fake-openai-upstream.js";
import { useAppOnFakeUpstream } from "../helpers/use-app-on-fake-upstream.js";
import { prefixes, recordSession, storedConversation } from "./record-session.js";

let upstream: FakeOpenAiUpstream;
let client: ChatClient;

useAppOnFakeUpstream({}, (started) => ({ upstream, client } = started));

/** What the upstream was asked in its latest request: the chat messages, as role and text. */
function lastUpstreamMessages(): { role: string; content: string }[] {
  return (upstream.requests.at(-1)!.body.messages as { role: string; content: string }[]).map(({ role, content }) => ({ role, content }));
}

const slow = (count: number, delayMs = 20) => ({ tokens: Array.from({ length: count }, (_, index) => `t${index} `), delayMs });

describe("sending a message", () => {
  it("shows the user's message and an empty reply at once, then goes from sending to streaming to ready", async () => {
    upstream.enqueue({ tokens: ["Hel", "lo", " there"], delayMs: 10 });
    const recorded = recordSession(client);
    const { session, conversation } = recorded;

    const sent = session.send("  Hi there  ");
    expect(conversation.messages).toMatchObject([
      { role: "user", content: "  Hi there  ", state: "complete" },
      { role: "assistant", content: "", state: "streaming" },
    ]);
    expect(session.status).toBe("sending");
    expect(session.busy).toBe(true);

    await expect(sent).resolves.toBe(true);
    expect(recorded.statuses).toEqual(["sending", "streaming", "ready"]);
    expect(conversation.messages[1]).toMatchObject({ role: "assistant", content: "Hello there", state: "complete", model: "fake-model" });
    expect(conversation.title).toBe("Hi there");
    expect(session.busy).toBe(false);
  });

  it("sends the text exactly as typed, indentation and line breaks included, and refuses only whitespace", async () => {
    const code = "    def greet(name):\n\t\treturn f'hi {name}'  \n\n    # done\n";
    const { session, conversation } = recordSession(client);

    await expect(session.send(" \n\t ")).resolves.toBe(false);
    expect(conversation.messages).toEqual([]);
    await expect(session.send(code)).resolves.toBe(true);

    expect(conversation.messages[0]!.content).toBe(code);
    expect(lastUpstreamMessages()).toEqual([{ role: "user", content: code }]);
    expect(conversation.title).toBe("def greet(name):");
  });

  it("grows the reply one token at a time and ends with exactly the text of the complete event", async () => {
    const tokens = ["Grüße", " aus", " 🚀", " 日本語", "\n\n- **list**", " 👩‍👩‍👧"];
    upstream.enqueue({ tokens, delayMs: 5, splitWrites: true });
    const recorded = recordSession(client);

    await recorded.session.send("Say hi in many scripts");

    expect(recorded.contents).toEqual(prefixes(tokens));
    expect(recorded.conversation.messages[1]!.content).toBe(tokens.join(""));
    expect(recorded.changes.filter((kind) => kind === "content")).toHaveLength(tokens.length);
  });

  it("measures time to first token, tokens per second and the token count from the injected clock", async () => {
    upstream.enqueue({ tokens: ["a", "b", "c", "d", "e"] });
    let tick = 0;
    // Each reading is 100 ms after the previous: start, then one per token.
    const recorded = recordSession(client, { now: () => (tick += 100) });

    await recorded.session.send("Count to five");

    const expected = { timeToFirstTokenMs: 100, tokensPerSecond: 10, tokenCount: 5 };
    expect(recorded.session.stats).toEqual(expected);
    expect(recorded.conversation.messages[1]!.stats).toEqual(expected);
  });

  it("reports plausible stats on the real clock for a paced reply", async () => {
    upstream.enqueue(slow(8, 25));
    const { session } = recordSession(client);

    await session.send("Go slowly");

    expect(session.stats!.tokenCount).toBe(8);
    expect(session.stats!.timeToFirstTokenMs).toBeGreaterThanOrEqual(20);
    expect(session.stats!.timeToFirstTokenMs).toBeLessThan(5_000);
    expect(session.stats!.tokensPerSecond).toBeGreaterThan(5);
    expect(session.stats!.tokensPerSecond).toBeLessThanOrEqual(60);
  });
});

describe("stopping a reply", () => {
  it("keeps exactly the text that had arrived, marks it stopped, and closes the upstream request", async () => {
    upstream.enqueue(slow(50));
    const recorded = recordSession(client, {
      onToken: (_reply, { contents, session }) => {
        if (contents.length === 3) session.stop();
      },
    });

    await recorded.session.send("Write a long essay");

    const reply = recorded.conversation.messages[1]!;
    expect(reply).toMatchObject({ content: "t0 t1 t2 ", state: "stopped" });
    expect(reply.failure).toBeUndefined();
    expect(recorded.session.status).toBe("ready");
    expect(recorded.statuses).toEqual(["sending", "streaming", "ready"]);
    const request = upstream.requests.at(-1)!;
    await upstream.waitForClose(request);
    expect(request.finished).toBe(false);
    expect(request.tokensSent).toBeLessThan(50);
    expect(recorded.session.lastReply, "a stopped reply can be regenerated").toBe(reply);
  });
});

describe("while a reply is streaming", () => {
  it("refuses send, regenerate and edit-and-resend without changing anything", async () => {
    upstream.enqueue(slow(40));
    let firstToken!: () => void;
    const arrived = new Promise<void>((resolve) => (firstToken = resolve));
    const recorded = recordSession(client, { onToken: () => firstToken() });
    const { session, conversation } = recorded;

    const sending = session.send("First");
    await arrived;
    const before = JSON.stringify(conversation.messages.map(({ id, role, state }) => ({ id, role, state })));
    const requests = upstream.requests.length;

    await expect(session.send("Second")).resolves.toBe(false);
    await expect(session.regenerate()).resolves.toBe(false);
    await expect(session.editAndResend(conversation.messages[0]!.id, "Edited")).resolves.toBe(false);

    expect(JSON.stringify(conversation.messages.map(({ id, role, state }) => ({ id, role, state })))).toBe(before);
    expect(conversation.messages[0]!.content).toBe("First");
    expect(upstream.requests.length).toBe(requests);
    session.stop();
    await sending;
  });
});

describe("regenerate and edit-and-resend", () => {
  it("regenerate replaces only the last reply and asks the upstream the same question again", async () => {
    upstream.enqueue({ tokens: ["Paris"] }, { tokens: ["Lyon"] }, { tokens: ["Marseille"] });
    const { session, conversation } = recordSession(client);
    await session.send("Capital of France?");
    await session.send("Second city?");
    const asked = lastUpstreamMessages();
    const kept = conversation.messages.slice(0, 3).map((message) => ({ ...message }));

    await expect(session.regenerate()).resolves.toBe(true);

    expect(conversation.messages).toHaveLength(4);
    expect(conversation.messages.slice(0, 3)).toEqual(kept);
    expect(conversation.messages[3]).toMatchObject({ role: "assistant", content: "Marseille", state: "complete" });
    expect(lastUpstreamMessages()).toEqual(asked);
  });

  it("edit-and-resend shows the edited text with its new reply, sends only that, and keeps the old branch as a version", async () => {
    upstream.enqueue({ tokens: ["Paris"] }, { tokens: ["Lyon"] }, { tokens: ["Berlin"] });
    const { session, conversation } = recordSession(client);
    await session.send("Capital of France?");
    await session.send("Second city?");
    const first = conversation.messages[0]!;

    await expect(session.editAndResend(first.id, " ")).resolves.toBe(false);
    await expect(session.editAndResend(first.id, "  Capital of Germany?\n")).resolves.toBe(true);

    expect(conversation.messages.map(({ role, content }) => ({ role, content }))).toEqual([
      { role: "user", content: "  Capital of Germany?\n" },
      { role: "assistant", content: "Berlin" },
    ]);
    expect(conversation.messages[0]!.versions).toEqual({
      shown: 1,
      hidden: [[expect.objectContaining({ id: first.id, content: "Capital of France?" }), expect.anything(), expect.anything(), expect.anything()]],
    });
    expect(lastUpstreamMessages()).toEqual([{ role: "user", content: "  Capital of Germany?\n" }]);
  });
});

describe("the history sent with a message", () => {
  it("holds at most the contract's number of turns with text (200), in order, each cut to its length limit (32,000)", async () => {
    const contents = Array.from({ length: MAX_HISTORY_TURNS + 60 }, (_, index) => `turn ${index}`);
    contents[101] = ""; // an empty stopped reply: not a turn
    contents[MAX_HISTORY_TURNS + 50] = "L".repeat(MAX_TURN_LENGTH + 8_000);
    const { session } = recordSession(client, { stored: storedConversation(contents) });

    await session.send("And now?");

    const sent = lastUpstreamMessages();
    const expectedHistory = contents.filter((content) => content !== "").slice(-MAX_HISTORY_TURNS);
    expect(sent).toHaveLength(MAX_HISTORY_TURNS + 1);
    expect(sent[0]).toEqual({ role: "assistant", content: "turn 59" });
    expect(sent.slice(0, -1).map((turn) => turn.content)).toEqual(expectedHistory.map((content) => content.slice(0, MAX_TURN_LENGTH)));
    expect(sent.find((turn) => turn.content.startsWith("L"))!.content).toHaveLength(MAX_TURN_LENGTH);
    expect(sent.at(-1)).toEqual({ role: "user", content: "And now?" });
  });

  it("leaves out the oldest turns beyond 640 KiB, so a long conversation still fits the server's 1 MiB body limit", async () => {
    // 40 turns of 30,000 characters: within the turn and length limits, but 1.2 MB in all.
    const contents = Array.from({ length: 40 }, (_, index) => `${index}`.padEnd(30_000, "x"));
    const { session, conversation } = recordSession(client, { stored: storedConversation(contents) });

    await session.send("One more question");

    expect(conversation.messages.at(-1)).toMatchObject({ state: "complete", content: "Hello from the fake upstream!" });
    const sent = lastUpstreamMessages();
    const fitting = Math.floor((640 * 1024) / JSON.stringify(contents[0]).length); // 21 turns of 30,002 bytes as JSON
    expect(sent.slice(0, -1).map((turn) => turn.content)).toEqual(contents.slice(-fitting));
    expect(sent.at(-1)).toEqual({ role: "user", content: "One more question" });
  });

  it("cuts a message longer than the contract's limit (32,000 characters) to that length, both shown and sent", async () => {
    const { session, conversation } = recordSession(client);

    await session.send(`${"y".repeat(MAX_MESSAGE_LENGTH)}TAIL`);

    expect(conversation.messages[0]!.content).toBe("y".repeat(MAX_MESSAGE_LENGTH));
    expect(lastUpstreamMessages()).toEqual([{ role: "user", content: "y".repeat(MAX_MESSAGE_LENGTH) }]);
  });
});
