/// <reference types="svelte" />
// The line above declares the runes ($state, $derived) that the .svelte.ts classes under test use, for tsc.
/**
 * The Show thinking setting: on by default, kept under its own LocalStorage key (the conversations' schema does not
 * change), followed from another tab, and never a reason for an error, whatever the storage holds or refuses.
 */
import { describe, expect, it } from "vitest";
import { ChatSettings, SETTINGS_KEY } from "../../web/src/lib/settings/chat-settings.svelte.js";
import { STORAGE_KEY } from "../../web/src/lib/storage/storage-schema.js";
import { createMemoryStorage } from "../helpers/memory-storage.js";

describe("Show thinking", () => {
  it("is on when nothing was saved, and saving nothing until changed", () => {
    const storage = createMemoryStorage();
    expect(new ChatSettings(() => storage).showThinking).toBe(true);
    expect(new ChatSettings().showThinking).toBe(true);
    expect(storage.writes).toEqual([]);
  });

  it("is saved under its own key when changed, and read back by the next page", () => {
    const storage = createMemoryStorage();
    new ChatSettings(() => storage).setShowThinking(false);

    expect(storage.writes).toEqual([{ key: SETTINGS_KEY, value: '{"showThinking":false}' }]);
    expect(SETTINGS_KEY).not.toBe(STORAGE_KEY);
    expect(new ChatSettings(() => storage).showThinking).toBe(false);
  });

  it("follows another tab's change, and returns to the default when the other tab's settings are removed", () => {
    const settings = new ChatSettings(() => createMemoryStorage());
    settings.mergeFromStorage('{"showThinking":false}');
    expect(settings.showThinking).toBe(false);
    settings.mergeFromStorage(null);
    expect(settings.showThinking).toBe(true);
  });

  it.each([
    ["not JSON", "{show"],
    ["a list", "[false]"],
    ["the wrong type", '{"showThinking":"no"}'],
    ["null", "null"],
  ])("reads stored settings that are %s as the default", (_, raw) => {
    const storage = createMemoryStorage();
    storage.setItem(SETTINGS_KEY, raw);
    expect(new ChatSettings(() => storage).showThinking).toBe(true);
  });

  it("holds for the tab when storage is blocked or full", () => {
    const blocked = new ChatSettings(() => createMemoryStorage({ blocked: true }));
    expect(blocked.showThinking).toBe(true);
    expect(() => blocked.setShowThinking(false)).not.toThrow();
    expect(blocked.showThinking).toBe(false);

    const full = createMemoryStorage({ quota: 5 });
    const settings = new ChatSettings(() => full);
    settings.setShowThinking(false);
    expect(settings.showThinking).toBe(false);
    expect(full.getItem(SETTINGS_KEY)).toBeNull();
  });
});
