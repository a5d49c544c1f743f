/**
 * Something about saved conversations the person should know. The UI shows it until dismissed; nothing here is
 * ever handled by silently deleting data.
 */
export type StorageNotice =
  /** Stored data could not be read; the raw text was copied to `backupKey` and the app started afresh. */
  | { kind: "corrupt"; reason: string; backupKey: string }
  /** Stored data could not be read nor copied aside, so the app will not overwrite it: nothing new is saved. */
  | { kind: "corrupt-kept"; reason: string }
  /** Storage is full: the conversation is intact in this tab, but the latest changes are not saved. */
  | { kind: "quota" }
  /** The browser refuses storage (e.g. blocked cookies); conversations last only as long as the tab. */
  | { kind: "unavailable"; detail: string }
  /** Conversations saved by an older version were converted to the current layout. */
  | { kind: "migrated"; from: string };

/** A sentence for each notice. */
export function describeStorageNotice(notice: StorageNotice): string {
  switch (notice.kind) {
    case "corrupt":
      return `Saved conversations could not be read (${notice.reason}). They were kept aside in this browser's storage under "${notice.backupKey}", and a new chat list was started.`;
    case "corrupt-kept":
      return `Saved conversations could not be read (${notice.reason}), and there was no room to keep a copy aside. They are left untouched, so new messages are not saved until browser storage is cleared for this site.`;
    case "quota":
      return "Browser storage is full, so the latest changes are not saved. Everything is still here in this tab; delete old conversations to free space.";
    case "unavailable":
      return `This browser does not allow saving conversations (${notice.detail}). They will be lost when the tab closes.`;
    case "migrated":
      return `Conversations saved by an older version (${notice.from}) were converted to the new layout.`;
  }
}
