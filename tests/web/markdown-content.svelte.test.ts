// @vitest-environment jsdom
/**
 * MarkdownContent in jsdom with animation frames under the test's control: what is on screen after each frame,
 * and that finished blocks are rendered once and kept.
 */
import { flushSync, mount, unmount } from "svelte";
import { afterEach, expect, it, vi } from "vitest";
import MarkdownContent from "../../web/src/lib/components/MarkdownContent.svelte";

const frames: FrameRequestCallback[] = [];
vi.stubGlobal("requestAnimationFrame", (callback: FrameRequestCallback) => frames.push(callback));
vi.stubGlobal("cancelAnimationFrame", (id: number) => {
  if (id > 0) frames[id - 1] = () => {};
});

/** Runs the pending animation frame callbacks, then Svelte's updates, as a browser frame would. */
function runFrame(): void {
  for (const callback of frames.splice(0)) callback(0);
  flushSync();
}

let unmountLast: (() => void) | undefined;
afterEach(() => {
  unmountLast?.();
  document.body.innerHTML = "";
  frames.length = 0;
});

function show(initial: { content: string; streaming: boolean; announce?: (text: string) => void }) {
  const props = $state(initial);
  const component = mount(MarkdownContent, { target: document.body, props });
  unmountLast = () => unmount(component);
  flushSync();
  const root = document.querySelector<HTMLElement>(".markdown")!;
  return { props, root, renderedLength: () => Number(root.getAttribute("data-rendered-length")) };
}

it("renders a finished reply at once, without waiting for a frame", () => {
  const { root, renderedLength } = show({ content: "# Hi\n\nThere **you**\n\n```js\na\n```", streaming: false });

  expect(renderedLength()).toBe("# Hi\n\nThere **you**\n\n```js\na\n```".length);
  expect(root.querySelector("h1")?.textContent).toBe("Hi");
  expect(root.querySelector("strong")?.textContent).toBe("you");
  expect(root.querySelector("pre code.language-js")?.textContent).toBe("a\n");
  expect(frames).toHaveLength(0);
});

it("while streaming, shows every token of a frame in one update at the next frame", () => {
  const { props, root, renderedLength } = show({ content: "", streaming: true });
  runFrame();
  let text = "";
  for (const token of ["Hello ", "**wor", "ld**\n\n", "- a\n", "- b"]) {
    text += token;
    props.content = text;
    flushSync();
  }

  expect(frames, "one frame requested for five tokens").toHaveLength(1);
  expect(renderedLength(), "nothing drawn before the frame").toBe(0);
  runFrame();
  expect(renderedLength()).toBe(text.length);
  expect(root.querySelector("strong")?.textContent).toBe("world");
  expect([...root.querySelectorAll("li")].map((item) => item.textContent)).toEqual(["a", "b"]);
});

it("keeps a finished block's elements as they are while later text streams in", () => {
  const { props, root } = show({ content: "", streaming: true });
  props.content = "First paragraph.\n\nSecond";
  flushSync();
  runFrame();
  const first = root.querySelector("p")!;
  expect(first.textContent).toBe("First paragraph.");

  for (const more of [" grows", " and grows.\n\nThird", " too."]) {
    props.content += more;
    flushSync();
    runFrame();
  }

  expect(root.querySelector("p"), "the same element, not a re-render").toBe(first);
  expect([...root.querySelectorAll("p")].map((paragraph) => paragraph.textContent)).toEqual(["First paragraph.", "Second grows and grows.", "Third too."]);
});

it("catches up at once when streaming ends, with the final text", () => {
  const { props, renderedLength } = show({ content: "Partial", streaming: true });
  runFrame();
  props.content = "Partial and final.";
  flushSync();
  expect(renderedLength()).toBe("Partial".length);

  props.streaming = false;
  flushSync();

  expect(renderedLength()).toBe("Partial and final.".length);
});

it("copies a code block's text with its Copy button and says so", async () => {
  const writeText = vi.fn(async (_text: string) => {});
  Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
  const announced: string[] = [];
  show({ content: "```sh\nnpm i\n```", streaming: false, announce: (text) => announced.push(text) });

  const button = document.querySelector<HTMLButtonElement>("button.copy-code")!;
  expect(button.getAttribute("aria-label")).toBe("Copy code");
  button.click();
  await new Promise((resolve) => setTimeout(resolve, 0));
  flushSync();

  expect(writeText).toHaveBeenCalledWith("npm i");
  expect(button.textContent).toBe("Copied");
  expect(announced).toEqual(["Code copied"]);
  // The page's one live region says it; a reply has none of its own (each one made the page taller).
  expect(document.querySelector("[role=status], [aria-live]")).toBeNull();
});
