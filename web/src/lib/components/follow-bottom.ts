import type { Action } from "svelte/action";

/** How close to the bottom (px) still counts as "at the bottom", so a stray pixel does not stop following. */
const AT_BOTTOM_SLACK_PX = 48;

export interface FollowBottomOptions {
  /** Told whenever the view starts or stops following the bottom. */
  onfollowchange?: (following: boolean) => void;
}

/**
 * Keeps a scrolling container pinned to its bottom while its content grows (a streaming reply), until the user
 * scrolls up; following resumes when they scroll back to the bottom. Growth is seen by a ResizeObserver on the
 * content, so nothing runs per token unless the content's height actually changed.
 */
export const followBottom: Action<HTMLElement, FollowBottomOptions> = (node, options = {}) => {
  let following = true;
  let onfollowchange = options.onfollowchange;

  const setFollowing = (value: boolean) => {
    if (value === following) return;
    following = value;
    onfollowchange?.(value);
  };
  const onScroll = () => setFollowing(node.scrollHeight - node.scrollTop - node.clientHeight <= AT_BOTTOM_SLACK_PX);
  const resizes = new ResizeObserver(() => {
    if (following) node.scrollTop = node.scrollHeight;
  });
  const observeContent = () => {
    resizes.disconnect();
    for (const child of Array.from(node.children)) resizes.observe(child);
  };
  // Content children can be replaced (switching conversation); keep observing whatever is there.
  const children = new MutationObserver(observeContent);

  node.addEventListener("scroll", onScroll, { passive: true });
  children.observe(node, { childList: true });
  observeContent();
  node.scrollTop = node.scrollHeight;

  return {
    update(next: FollowBottomOptions = {}) {
      onfollowchange = next.onfollowchange;
    },
    destroy() {
      node.removeEventListener("scroll", onScroll);
      resizes.disconnect();
      children.disconnect();
    },
  };
};

/** Scrolls to the bottom, which makes `followBottom` follow again. */
export function scrollToBottom(node: HTMLElement, smooth = false): void {
  node.scrollTo({ top: node.scrollHeight, behavior: smooth ? "smooth" : "instant" });
}
