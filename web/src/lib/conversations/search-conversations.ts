import { toPlainTitle } from "./conversation-title.js";

/** What a search looks at in a conversation. */
export interface SearchableConversation {
  id: string;
  title: string;
  messages: readonly { id: string; content: string }[];
}

/**
 * Text as the search compares it: lower case, without accents or other combining marks, and with compatibility
 * forms unfolded ("ﬁ" → "fi", full-width letters), so "CREME" finds "crème".
 */
export function foldForSearch(text: string): string {
  return text.toLowerCase().normalize("NFKD").replace(/\p{M}/gu, "");
}

/** The words of a query, folded; empty when there is nothing to search for. */
function toSearchTerms(query: string): string[] {
  return foldForSearch(query)
    .split(/\s+/)
    .filter((term) => term !== "");
}

/**
 * Searches conversations by title and message text: a conversation matches when every word of the query appears
 * in its title or in one of its messages, whatever the case and accents. Each title's and message's folded text is kept from
 * one search to the next and redone only when its text changed, so searching while a reply streams (which repeats
 * the search on every token) folds only that reply again, not every conversation.
 */
export function createConversationSearch() {
  let folded = new Map<string, { source: string; folded: string }>();

  return {
    /** The conversations that match `query`, in the order given; all of them when the query is blank. */
    filter<T extends SearchableConversation>(conversations: readonly T[], query: string): T[] {
      const terms = toSearchTerms(query);
      if (terms.length === 0) return [...conversations];
      const previous = folded;
      folded = new Map();
      const fold = (key: string, source: string, toText: (source: string) => string = (text) => text): string => {
        let entry = previous.get(key);
        if (entry?.source !== source) entry = { source, folded: foldForSearch(toText(source)) };
        folded.set(key, entry);
        return entry.folded;
      };
      return conversations.filter((conversation) => {
        const texts = [
          fold(`${conversation.id}\ntitle`, conversation.title, toPlainTitle),
          ...conversation.messages.map((message) => fold(`${conversation.id}\nmessage\n${message.id}`, message.content)),
        ];
        return terms.every((term) => texts.some((text) => text.includes(term)));
      });
    },
  };
}
