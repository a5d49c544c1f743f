import type { ExportFile } from "./export-conversation.js";

/** How long a download's Blob URL lives: the browser reads the Blob after `click()` returns, so not revoked at once. */
const REVOKE_AFTER_MS = 60_000;

/**
 * Hands a file to the browser's downloads: a Blob URL on a temporary `<a download>`. The file is made in the page,
 * so nothing goes to the server, and the strict CSP needs no exception (a download is not a fetch or a script).
 */
export function downloadFile(file: ExportFile): void {
  const url = URL.createObjectURL(new Blob([file.text], { type: file.type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = file.name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);
}
