import type { Action } from "svelte/action";

/** How close to the bottom (px) still counts as "at the bottom", so a stray pixel does not stop following. */
const AT_BOTTOM_SLACK_PX = 48;
/** Dispatched on the container by {@link scrollToBottom}: follow again, whatever the scroll position says. */
const FOLLOW_EVENT = "followbottom";

export interface FollowBottomOptions {
  /** Told whenever the view starts or stops following the bottom. */
  onfollowchange?: (following: boolean) => void;
}

/**
 * Keeps a scrolling container pinned to its bottom while its content grows (a streaming reply), until the user
 * scrolls up; following resumes when they come back to the bottom or ask to (see {@link scrollToBottom}). Only a
 * scroll *upwards* stops following: growth, or a smooth scroll that lags behind growing content, never does. Growth
 * is seen by a ResizeObserver on the content, so nothing runs per token unless the content's height changed; the
 * container itself is observed too, since it shrinks when what is below it grows (a composer several lines tall).
 */
export const followBottom: Action<HTMLElement, FollowBottomOptions> = (node, options = {}) => {
  let following = true;
  let lastScrollTop = node.scrollTop;
  let onfollowchange = options.onfollowchange;

  const setFollowing = (value: boolean) => {
    if (value === following) return;
    following = value;
    onfollowchange?.(value);
  };
  const onScroll = () => {
    const atBottom = node.scrollHeight - node.scrollTop - node.clientHeight <= AT_BOTTOM_SLACK_PX;
    if (atBottom) setFollowing(true);
    else if (node.scrollTop < lastScrollTop - 1) setFollowing(false);
    lastScrollTop = node.scrollTop;
  };
  const onFollow = () => {
    setFollowing(true);
    node.scrollTop = node.scrollHeight;
  };
  const resizes = new ResizeObserver(() => {
    if (following) node.scrollTop = node.scrollHeight;
  });
  const observeContent = () => {
    resizes.disconnect();
    resizes.observe(node);
    for (const child of Array.from(node.children)) resizes.observe(child);
  };
  // Content children can be replaced (switching conversation); keep observing whatever is there.
  const children = new MutationObserver(observeContent);

  node.addEventListener("scroll", onScroll, { passive: true });
  node.addEventListener(FOLLOW_EVENT, onFollow);
  children.observe(node, { childList: true });
  observeContent();
  node.scrollTop = node.scrollHeight;

  return {
    update(next: FollowBottomOptions = {}) {
      onfollowchange = next.onfollowchange;
    },
    destroy() {
      node.removeEventListener("scroll", onScroll);
      node.removeEventListener(FOLLOW_EVENT, onFollow);
      resizes.disconnect();
      children.disconnect();
    },
  };
};

/** Jumps to the bottom and makes `followBottom` follow again. */
export function scrollToBottom(node: HTMLElement): void {
  node.dispatchEvent(new Event(FOLLOW_EVENT));
}
