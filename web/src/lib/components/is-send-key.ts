/**
 * Enter without Shift sends; Shift+Enter is a new line. Never while an input method is composing (Japanese,
 * Chinese…): keyCode 229 covers Safari, whose Enter that confirms the composed text reports `isComposing` false.
 */
export function isSendKey(event: KeyboardEvent): boolean {
  return event.key === "Enter" && !event.shiftKey && !event.isComposing && event.keyCode !== 229;
}
