// @vitest-environment jsdom
/**
 * MarkdownContent in jsdom with animation frames under the test's control: what is on screen after each frame,
 * and that finished blocks are rendered once and kept.
 */
import { flushSync, mount, unmount } from "svelte";
import { afterEach, expect, it, vi } from "vitest";
import MarkdownContent from "../../web/src/lib/components/MarkdownContent.svelte";
import { createCodeHighlighter, type CodeHighlighter } from "../../web/src/lib/markdown/code-highlighter.js";

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

function show(initial: { content: string; streaming: boolean; announce?: (text: string) => void; highlighter?: CodeHighlighter }) {
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

/** A highlighter on the real highlight.js, with TypeScript only; `ready` resolves when the next language is ready. */
function typescriptHighlighter() {
  const highlighter = createCodeHighlighter({
    core: () => import("highlight.js/lib/core"),
    languages: { typescript: () => import("highlight.js/lib/languages/typescript") },
  });
  return { highlighter, ready: () => new Promise<void>((resolve) => highlighter.onReady(resolve)) };
}

const CODE = "```ts\nconst a = 1;\n```";

it("shows a code block plain while it grows, and highlighted once it is finished", async () => {
  const { highlighter, ready } = typescriptHighlighter();
  const { props, root } = show({ content: "", streaming: true, highlighter });
  props.content = "Code:\n\n```ts\nconst a";
  flushSync();
  runFrame();
  expect(root.querySelector("pre code")?.textContent).toBe("const a\n");
  expect(root.querySelector(".code-header .code-language")?.textContent).toBe("ts");
  expect(root.querySelector("pre .hljs-keyword")).toBeNull();

  const loaded = ready();
  props.content = `Code:\n\n${CODE}\n\nAfter`;
  flushSync();
  runFrame();
  await loaded;
  flushSync();

  expect(root.querySelector(".blocks pre code .hljs-keyword")?.textContent).toBe("const");
  expect(root.querySelector(".blocks pre code")?.textContent).toBe("const a = 1;\n");
});

it("highlights the last block when the reply ends, and only then", async () => {
  const { highlighter, ready } = typescriptHighlighter();
  const { props, root } = show({ content: "", streaming: true, highlighter });
  props.content = CODE;
  flushSync();
  runFrame();
  expect(root.querySelector(".tail pre .hljs-keyword")).toBeNull();

  const loaded = ready();
  props.streaming = false;
  flushSync();
  await loaded;
  flushSync();
  expect(root.querySelector(".tail pre .hljs-keyword")?.textContent).toBe("const");
});

it("Wrap wraps one code block's lines, and the choice survives the block being drawn again", async () => {
  const { highlighter, ready } = typescriptHighlighter();
  const { props, root } = show({ content: "", streaming: true, highlighter });
  props.content = `${CODE}\n\n\`\`\`ts\nlet b`;
  flushSync();
  runFrame();
  const loaded = ready();
  const [first, second] = root.querySelectorAll<HTMLElement>(".code-block");
  second!.querySelector<HTMLButtonElement>(".wrap-code")!.click();
  flushSync();
  expect(second!.classList.contains("wrapped")).toBe(true);
  expect(second!.querySelector(".wrap-code")?.getAttribute("aria-pressed")).toBe("true");
  expect(first!.classList.contains("wrapped")).toBe(false);

  // The growing block is drawn again each frame, and the first one again once highlighted.
  props.content += " = 2;";
  flushSync();
  runFrame();
  await loaded;
  flushSync();
  const blocks = root.querySelectorAll(".code-block");
  expect(blocks[1], "drawn again").not.toBe(second);
  expect([...blocks].map((block) => block.classList.contains("wrapped"))).toEqual([false, true]);
  expect(blocks[1]!.querySelector(".wrap-code")?.getAttribute("aria-pressed")).toBe("true");
  expect(blocks[0]!.querySelector(".hljs-keyword")).not.toBeNull();

  blocks[1]!.querySelector<HTMLButtonElement>(".wrap-code")!.click();
  flushSync();
  expect(root.querySelector(".code-block.wrapped")).toBeNull();
  expect(blocks[1]!.querySelector(".wrap-code")?.getAttribute("aria-pressed")).toBe("false");
});
