import { mount } from "svelte";
import { createChatClient } from "streaming-chat/sdk";
import App from "./App.svelte";
import { ApiKeyPrompt } from "./lib/auth/api-key-prompt.svelte.js";
import { withApiKeyRetry } from "./lib/auth/with-api-key-retry.js";
import { createBenchProbe } from "./lib/bench/create-bench-probe.js";
import { ChatStore } from "./lib/chat/chat-store.svelte.js";
import { createStreamDebugLog, isDebugSwitchOn } from "./lib/debug/stream-debug-log.js";
import { ChatSettings, SETTINGS_KEY } from "./lib/settings/chat-settings.svelte.js";
import { createMemoryLocks } from "./lib/slots/create-memory-locks.js";
import { createStreamSlots } from "./lib/slots/create-stream-slots.js";
import { renderMarkdown } from "./lib/markdown/render-markdown.js";
import { createConversationStorage } from "./lib/storage/create-conversation-storage.js";
import { createDeletedConversations, DELETED_KEY } from "./lib/storage/deleted-conversations.js";
import { STORAGE_KEY } from "./lib/storage/storage-schema.js";
import "./app.css";

// `?bench` turns on the rendering benchmark's probe (npm run bench:ui); it costs nothing otherwise.
const probe = new URLSearchParams(location.search).has("bench") ? createBenchProbe() : undefined;

// A server with API keys: the key is asked for up front, and again whenever a request is refused (401).
const apiKey = new ApiKeyPrompt(() => sessionStorage);
// Same origin: `npm start` serves this page and the API together, and `npm run dev` proxies /api.
// The sessions reconnect dropped replies themselves, so the status bar can say "Reconnecting…" meanwhile (the
// SDK's own reconnecting reports nothing until it gives up).
const client = withApiKeyRetry(createChatClient({ reconnect: { maxAttempts: 0 }, apiKey: apiKey.current }), apiKey);
void apiKey.askIfNeeded(client);

const store = new ChatStore({
  client,
  storage: createConversationStorage(() => localStorage),
  onToken: probe?.recordToken,
  // Web Locks count open streams across every tab of the origin; without them, each tab counts its own.
  slots: createStreamSlots("locks" in navigator ? navigator.locks : createMemoryLocks()),
  settings: new ChatSettings(() => localStorage),
  deleted: createDeletedConversations(() => localStorage),
  // Off unless `localStorage["streaming-chat:debug"] = "1"`; looked up at each step, so no reload is needed.
  debugLog: createStreamDebugLog({ isOn: () => isDebugSwitchOn(() => localStorage), write: (line) => console.debug(line) }),
});
// A closing tab or a reload mid-reply keeps the text that had arrived (saved batches are up to a second old).
// `beforeunload` comes before the browser cancels the page's requests; `pagehide` also covers mobile tab kills.
addEventListener("beforeunload", () => store.leavePage());
addEventListener("pagehide", () => store.leavePage());
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "hidden") store.saveIfChanged();
});
// Another tab with the chat open saved: take its conversations in, so this tab's saves keep them; drop those it
// deleted; follow its settings.
addEventListener("storage", (event) => {
  if (event.key === STORAGE_KEY) store.mergeFromStorage(event.newValue);
  else if (event.key === DELETED_KEY) store.mergeDeletions(event.newValue);
  else if (event.key === SETTINGS_KEY) store.settings.mergeFromStorage(event.newValue);
});

mount(App, { target: document.getElementById("app")!, props: { store, apiKey } });

// Set up the Markdown renderer (DOMPurify, marked, their compiled code) while the page is idle, so the first token
// of the first reply does not pay for it.
const whenIdle = globalThis.requestIdleCallback ?? ((callback: () => void) => setTimeout(callback, 200));
whenIdle(() => renderMarkdown("**Ready** to `render`:\n\n- lists\n\n```ts\ncode\n```"));
