/** Searching the list: titles and message text, whatever the case and accents, every word of the query. */
import { describe, expect, it } from "vitest";
import { createConversationSearch, foldForSearch } from "../../web/src/lib/conversations/search-conversations.js";

const conversation = (id: string, title: string, ...texts: string[]) => ({
  id,
  title,
  messages: texts.map((content, index) => ({ id: `${id}-${index}`, content })),
});

const CONVERSATIONS = [
  conversation("dessert", "Crème brûlée recipe", "How much sugar?", "A naïve amount."),
  conversation("trains", "A question about trains", "Do TRAINS run at night?", "Some do."),
  conversation("markdown", "**Fix** the `bug`", "It crashes."),
  conversation("empty", "New chat"),
];

const ids = (found: { id: string }[]) => found.map((item) => item.id);

describe("searching conversations", () => {
  it("finds titles and message text whatever the case and accents, on either side", () => {
    const search = createConversationSearch();
    expect(ids(search.filter(CONVERSATIONS, "CREME"))).toEqual(["dessert"]);
    expect(ids(search.filter(CONVERSATIONS, "brulee"))).toEqual(["dessert"]);
    expect(ids(search.filter(CONVERSATIONS, "NAIVE"))).toEqual(["dessert"]);
    expect(ids(search.filter(CONVERSATIONS, "naïve"))).toEqual(["dessert"]);
    expect(ids(search.filter(CONVERSATIONS, "at night"))).toEqual(["trains"]);
  });

  it("needs every word, each anywhere in the conversation", () => {
    const search = createConversationSearch();
    expect(ids(search.filter(CONVERSATIONS, "sugar crème"))).toEqual(["dessert"]);
    expect(ids(search.filter(CONVERSATIONS, "sugar trains"))).toEqual([]);
  });

  it("matches the title as shown, without Markdown syntax", () => {
    const search = createConversationSearch();
    expect(ids(search.filter(CONVERSATIONS, "fix the bug"))).toEqual(["markdown"]);
    expect(ids(search.filter(CONVERSATIONS, "**"))).toEqual([]);
  });

  it("gives back every conversation, in order, for a blank query, and none when nothing matches", () => {
    const search = createConversationSearch();
    expect(ids(search.filter(CONVERSATIONS, "   "))).toEqual(["dessert", "trains", "markdown", "empty"]);
    expect(ids(search.filter(CONVERSATIONS, "zebra"))).toEqual([]);
  });

  it("sees a message's new text (a reply still arriving) on the next search", () => {
    const search = createConversationSearch();
    const growing = conversation("growing", "Streaming", "Tell me about");
    expect(ids(search.filter([growing], "zeppelins"))).toEqual([]);
    growing.messages[0]!.content += " zeppelins";
    expect(ids(search.filter([growing], "Zeppelins"))).toEqual(["growing"]);
  });

  it("folds compatibility forms and combining marks", () => {
    expect(foldForSearch("Ｆｕｌｌ ﬁle É")).toBe("full file e");
    expect(foldForSearch("e\u0301")).toBe("e");
  });
});
