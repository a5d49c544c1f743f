/** The LocalStorage key of the person's settings: a key of their own, so the conversations' schema does not change. */
export const SETTINGS_KEY = "streaming-chat:settings";

/** The settings as stored: every field optional, so a setting added later reads its default from older data. */
interface StoredSettings {
  showThinking?: boolean;
}

function parseSettings(raw: string | null): StoredSettings {
  try {
    const value: unknown = raw === null ? null : JSON.parse(raw);
    if (typeof value !== "object" || value === null || Array.isArray(value)) return {};
    const { showThinking } = value as Record<string, unknown>;
    // A field of the wrong type is the default: a setting is never worth a notice, let alone lost conversations.
    return typeof showThinking === "boolean" ? { showThinking } : {};
  } catch {
    return {};
  }
}

/**
 * The person's settings, kept in LocalStorage under {@link SETTINGS_KEY} and shared by the page's components and
 * sessions. Storage that is refused or full costs persistence only: the setting holds for the tab.
 */
export class ChatSettings {
  /**
   * Whether the model's thinking is asked for (`includeReasoning`) and shown above its replies. On by default: a
   * reasoning model can think for a minute, and a page that shows nothing meanwhile looks broken.
   */
  showThinking = $state(true);

  readonly #getStorage: (() => Storage) | undefined;

  /**
   * @param getStorage `() => localStorage` in the app (a getter, since reading `localStorage` throws when the browser
   *   blocks it); without it the settings last as long as the page.
   */
  constructor(getStorage?: () => Storage) {
    this.#getStorage = getStorage;
    let raw: string | null = null;
    try {
      raw = getStorage?.().getItem(SETTINGS_KEY) ?? null;
    } catch {
      // Blocked storage: the defaults.
    }
    this.#apply(raw);
  }

  setShowThinking(show: boolean): void {
    this.showThinking = show;
    try {
      this.#getStorage?.().setItem(SETTINGS_KEY, JSON.stringify({ showThinking: show } satisfies StoredSettings));
    } catch {
      // Not saved; the chat's own storage notice speaks of storage problems.
    }
  }

  /** Another tab changed the settings (a `storage` event): this one follows. */
  mergeFromStorage(raw: string | null): void {
    this.#apply(raw);
  }

  #apply(raw: string | null): void {
    this.showThinking = parseSettings(raw).showThinking ?? true;
  }
}
