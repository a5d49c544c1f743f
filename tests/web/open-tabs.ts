/// <reference types="svelte" />
// The line above declares the runes ($state, $derived) that the .svelte.ts classes under test use, for tsc.
/**
 * One browser with the chat open in several tabs: the tabs share one LocalStorage, whose writes reach every other tab
 * as a `storage` event (in a later task, as in a browser), and one set of Web Locks, so they share the stream slots.
 */
import type { ChatClient, ReconnectOptions } from "../../sdk/index.js";
import type { ChatMessage } from "../../web/src/lib/chat/chat-message.js";
import { ChatStore } from "../../web/src/lib/chat/chat-store.svelte.js";
import { createMemoryLocks, type Locks } from "../../web/src/lib/slots/create-memory-locks.js";
import { createStreamSlots, type StreamSlotOptions } from "../../web/src/lib/slots/create-stream-slots.js";
import { createConversationStorage } from "../../web/src/lib/storage/create-conversation-storage.js";
import { STORAGE_KEY, type StoredStateV1_1 } from "../../web/src/lib/storage/storage-schema.js";
import { createMemoryStorage, type MemoryStorage } from "../helpers/memory-storage.js";

export interface BrowserOptions {
  /** The client each tab gets unless it brings its own. */
  client: ChatClient;
  /** The stream slots' sizes; default the app's. */
  slots?: StreamSlotOptions;
  /** The browser's Web Locks; default fresh ones. */
  locks?: Locks;
  /** Short waits, so tests do not sit through the app's reconnect delays. Default 20 ms doubling. */
  reconnect?: ReconnectOptions;
}

export interface TabOptions {
  client?: ChatClient;
  onToken?: (reply: ChatMessage) => void;
}

export interface Browser {
  storage: MemoryStorage;
  openTab(options?: TabOptions): ChatStore;
  /** The state as last saved, by whichever tab. */
  saved(): StoredStateV1_1;
}

export function openBrowser({
  client,
  slots: slotOptions,
  locks = createMemoryLocks(),
  reconnect = { initialDelayMs: 20, maxDelayMs: 100 },
}: BrowserOptions): Browser {
  const storage = createMemoryStorage();
  const slots = createStreamSlots(locks, slotOptions);
  const tabs: ChatStore[] = [];

  /** The shared storage as one tab sees it: its own writes are events for the others. */
  function storageOf(tab: () => ChatStore | undefined): Storage {
    return {
      get length() {
        return storage.length;
      },
      key: (index) => storage.key(index),
      getItem: (key) => storage.getItem(key),
      removeItem: (key) => storage.removeItem(key),
      clear: () => storage.clear(),
      setItem(key, value) {
        storage.setItem(key, value);
        for (const other of tabs) if (other !== tab() && key === STORAGE_KEY) setTimeout(() => other.mergeFromStorage(value), 0);
      },
    };
  }

  return {
    storage,
    openTab(options = {}) {
      // Held in an object: the store's storage needs to know its tab before the store exists.
      const tab: { store?: ChatStore } = {};
      tab.store = new ChatStore({
        client: options.client ?? client,
        storage: createConversationStorage(() => storageOf(() => tab.store)),
        saveDelayMs: 20,
        slots,
        reconnect,
        onToken: options.onToken,
      });
      tabs.push(tab.store);
      return tab.store;
    },
    saved: () => JSON.parse(storage.getItem(STORAGE_KEY)!) as StoredStateV1_1,
  };
}
