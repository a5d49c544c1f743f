/// <reference types="svelte" />
// The line above declares the runes ($state, $derived) that the .svelte.ts classes under test use, for tsc.
/**
 * Versions through the UI's state classes, the real SDK and the real app on the fake upstream: Regenerate, Retry and
 * Edit keep what was there, the model is sent only the branch shown, a failed regenerate keeps what the person saw,
 * and neither a reload mid-reply nor a second tab loses a version.
 */
import { describe, expect, it } from "vitest";
import type { ChatClient } from "../../sdk/index.js";
import type { FakeOpenAiUpstream } from "../../fixtures/fake-openai-upstream.js";
import type { TestApp } from "../../fixtures/start-test-app.js";
import type { ChatMessage } from "../../web/src/lib/chat/chat-message.js";
import { findVersionPlace } from "../../web/src/lib/chat/message-versions.js";
import { useAppOnFakeUpstream } from "../helpers/use-app-on-fake-upstream.js";
import { openBrowser } from "./open-tabs.js";
import { createPageFetch, pageClient } from "./page-fetch.js";
import { recordSession } from "./record-session.js";

let upstream: FakeOpenAiUpstream;
let client: ChatClient;
let app: TestApp;

useAppOnFakeUpstream({}, (started) => ({ upstream, client, app } = started));

/** What the upstream was asked in its latest request: the chat messages, as role and text. */
const lastAsked = () => (upstream.requests.at(-1)!.body.messages as { role: string; content: string }[]).map(({ role, content }) => ({ role, content }));
const texts = (messages: readonly ChatMessage[]) => messages.map((message) => message.content);
const hiddenTexts = (message: ChatMessage | undefined) => message?.versions?.hidden.map(texts);
const words = (count: number) => Array.from({ length: count }, (_, index) => `w${index} `);

describe("Regenerate and Retry", () => {
  it("Regenerate shows the new reply as version 2/2, keeps the old one as 1/2, and asks the same question", async () => {
    upstream.enqueue({ tokens: ["Seven."] }, { tokens: ["Eleven."] });
    const { session, conversation } = recordSession(client);
    await session.send("Pick a number");
    const asked = lastAsked();
    const old = { ...conversation.messages[1]! };

    await session.regenerate();

    expect(texts(conversation.messages)).toEqual(["Pick a number", "Eleven."]);
    expect(findVersionPlace(conversation.messages[1]!)).toEqual({ position: 1, count: 2 });
    expect(conversation.messages[1]!.versions!.hidden).toEqual([[old]]);
    expect(lastAsked()).toEqual(asked);

    expect(session.showVersion(conversation.messages[1]!.id, 0)).toBe(true);
    expect(conversation.messages[1]).toEqual({ ...old, versions: { shown: 0, hidden: [[expect.objectContaining({ content: "Eleven." })]] } });
  });

  it("Retry keeps a reply that failed with text as the version before", async () => {
    upstream.enqueue({ tokens: ["Alpha", " beta"], fault: { kind: "reset", afterTokens: 1 } }, { tokens: ["Alpha beta."] });
    const { session, conversation } = recordSession(client);
    await session.send("Greek letters");
    expect(conversation.messages[1]).toMatchObject({ content: "Alpha", state: "error" });

    await session.regenerate();

    expect(conversation.messages[1]).toMatchObject({ content: "Alpha beta.", state: "complete" });
    expect(conversation.messages[1]!.versions!.hidden).toEqual([[expect.objectContaining({ content: "Alpha", state: "error" })]]);
  });

  it("Retry replaces a reply that failed before any text: an empty failure is worth no version", async () => {
    upstream.enqueue({ fault: { kind: "status", status: 500 } }, { tokens: ["Now it works."] });
    const { session, conversation } = recordSession(client);
    await session.send("Hello?");
    expect(conversation.messages[1]).toMatchObject({ content: "", state: "error" });

    await session.regenerate();

    expect(texts(conversation.messages)).toEqual(["Hello?", "Now it works."]);
    expect(conversation.messages[1]!.versions).toBeUndefined();
  });

  it("a regenerate that produces nothing is dropped, and the version that was shown comes back at its place", async () => {
    upstream.enqueue({ tokens: ["First."] }, { tokens: ["Second."] }, { fault: { kind: "status", status: 500 } });
    const { session, conversation } = recordSession(client);
    await session.send("Question");
    await session.regenerate();
    session.showVersion(conversation.messages[1]!.id, 0);
    const shown = JSON.stringify(conversation.messages);

    await session.regenerate();

    expect(JSON.stringify(conversation.messages)).toBe(shown);
    expect(findVersionPlace(conversation.messages[1]!)).toEqual({ position: 0, count: 2 });
    expect(session.regenerateFailure?.code).toBe("upstream_unavailable");
  });

  it("keeps the previous reply saved while the new one streams, so a reload then loses nothing", async () => {
    upstream.enqueue({ tokens: ["The first answer."] }, { tokens: words(40), delayMs: 25 });
    const browser = openBrowser({ client });
    const tab = browser.openTab();
    await tab.session.send("Question");

    const regenerating = tab.session.regenerate();
    await expect.poll(() => tab.active.messages[1]!.content.length, { timeout: 5_000 }).toBeGreaterThan(0);
    tab.save();

    const saved = browser.saved().conversations[0]!.messages[1]!;
    expect(saved.state).toBe("streaming");
    expect(hiddenTexts(saved)).toEqual([["The first answer."]]);
    tab.session.stop();
    await regenerating;
  });
});

describe("Edit", () => {
  it("keeps the edited message and every turn after it as the version before, and the model sees only the branch shown", async () => {
    upstream.enqueue(
      { tokens: ["Paris."] },
      { tokens: ["Madrid."] },
      { tokens: ["Rome."] },
      { tokens: ["Berlin."] },
      { tokens: ["Lisbon."] },
      { tokens: ["Bonn."] },
    );
    const { session, conversation } = recordSession(client);
    await session.send("Capital of France?");
    await session.send("And of Spain?");
    await session.send("And of Italy?");
    const original = texts(conversation.messages);

    await session.editAndResend(conversation.messages[0]!.id, "Capital of Germany?");

    expect(texts(conversation.messages)).toEqual(["Capital of Germany?", "Berlin."]);
    expect(hiddenTexts(conversation.messages[0])).toEqual([original]);
    expect(lastAsked()).toEqual([{ role: "user", content: "Capital of Germany?" }]);

    session.showVersion(conversation.messages[0]!.id, 0);
    expect(texts(conversation.messages)).toEqual(original);
    await session.send("And of Portugal?");
    expect(lastAsked().map((turn) => turn.content)).toEqual([...original, "And of Portugal?"]);

    session.showVersion(conversation.messages[0]!.id, 1);
    await session.send("And its old capital?");
    expect(lastAsked().map((turn) => turn.content)).toEqual(["Capital of Germany?", "Berlin.", "And its old capital?"]);
    expect(texts(conversation.messages)).toEqual(["Capital of Germany?", "Berlin.", "And its old capital?", "Bonn."]);
    session.showVersion(conversation.messages[0]!.id, 0);
    expect(texts(conversation.messages), "the old branch kept its own later turn").toEqual([...original, "And of Portugal?", "Lisbon."]);
  });
});

describe("while a reply streams", () => {
  it("refuses to switch versions, leaving the reply on the branch shown, and allows it once the reply ended", async () => {
    upstream.enqueue({ tokens: ["A."] }, { tokens: ["B."] }, { tokens: words(200), delayMs: 25 });
    const { session, conversation } = recordSession(client);
    await session.send("Question");
    await session.regenerate();
    const sending = session.send("A long follow-up");
    await expect.poll(() => conversation.messages[3]?.content.length ?? 0, { timeout: 5_000 }).toBeGreaterThan(0);
    const before = JSON.stringify(conversation.messages.map(({ id }) => id));

    expect(session.showVersion(conversation.messages[1]!.id, 0)).toBe(false);
    expect(JSON.stringify(conversation.messages.map(({ id }) => id))).toBe(before);

    session.stop();
    await sending;
    expect(session.showVersion(conversation.messages[1]!.id, 0)).toBe(true);
    expect(texts(conversation.messages)).toEqual(["Question", "A."]);
  });
});

describe("a reload in the middle of a regenerate", () => {
  it("re-attaches to the new version and finishes it there, the old version untouched", async () => {
    const tokens = words(40);
    upstream.enqueue({ tokens: ["The first answer."] }, { tokens, delayMs: 40 });
    const page = createPageFetch();
    const browser = openBrowser({ client: pageClient(app.baseUrl, page) });
    const tab = browser.openTab();
    await tab.session.send("Tell me a story");
    void tab.session.regenerate();
    await expect.poll(() => tab.active.messages[1]!.content.split(" ").length, { timeout: 5_000 }).toBeGreaterThan(4);
    tab.leavePage();
    page.close();

    const reloaded = browser.openTab({ client: pageClient(app.baseUrl, createPageFetch()) });

    expect(reloaded.active.messages[1]).toMatchObject({ state: "streaming", versions: { shown: 1 } });
    await expect.poll(() => reloaded.active.messages[1]!.state, { timeout: 10_000 }).toBe("complete");
    expect(texts(reloaded.active.messages)).toEqual(["Tell me a story", tokens.join("")]);
    expect(reloaded.active.messages[1]!.versions!.hidden).toEqual([[expect.objectContaining({ content: "The first answer.", state: "complete" })]]);
    expect(browser.saved().conversations[0]!.messages[1]).toMatchObject({ content: tokens.join(""), state: "complete", versions: { shown: 1 } });
  });
});

describe("two tabs", () => {
  it("the other tab takes in the versions made here, and keeps them in its own saves", async () => {
    upstream.enqueue({ tokens: ["Paris."] }, { tokens: ["Berlin."] }, { tokens: ["Hi."] });
    const browser = openBrowser({ client });
    const tabA = browser.openTab();
    const tabB = browser.openTab();
    await tabA.session.send("Capital of France?");
    await tabA.session.editAndResend(tabA.active.messages[0]!.id, "Capital of Germany?");

    await expect
      .poll(() => hiddenTexts(tabB.conversations.find((conversation) => conversation.id === tabA.active.id)?.messages[0]))
      .toEqual([["Capital of France?", "Paris."]]);
    tabB.newConversation();
    await tabB.session.send("Something else");

    const shared = browser.saved().conversations.find((conversation) => conversation.id === tabA.active.id)!;
    expect(texts(shared.messages)).toEqual(["Capital of Germany?", "Berlin."]);
    expect(hiddenTexts(shared.messages[0])).toEqual([["Capital of France?", "Paris."]]);
  });
});
