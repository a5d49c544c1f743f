/**
 * Devices whose main pointer is a finger (phones, tablets without a mouse). Their on-screen keyboard has no Shift to
 * hold with Return, so there Return adds a line and the Send button sends, as in the chat apps people know.
 */
export const TOUCH_INPUT_QUERY = "(pointer: coarse) and (hover: none)";

/**
 * Enter without Shift sends; Shift+Enter is a new line. On a touch device Return never sends (see
 * {@link TOUCH_INPUT_QUERY}). Never while an input method is composing (Japanese, Chinese…): keyCode 229 covers
 * Safari, whose Enter that confirms the composed text reports `isComposing` false.
 */
export function isSendKey(event: KeyboardEvent, touch = matchMedia(TOUCH_INPUT_QUERY).matches): boolean {
  return !touch && event.key === "Enter" && !event.shiftKey && !event.isComposing && event.keyCode !== 229;
}
