// @vitest-environment jsdom
import { flushSync, mount, unmount } from "svelte";
import { afterEach, expect, it, vi } from "vitest";
import MarkdownContent from "../../web/src/lib/components/MarkdownContent.svelte";

const frames: FrameRequestCallback[] = [];
vi.stubGlobal("requestAnimationFrame", (cb: FrameRequestCallback) => frames.push(cb));
vi.stubGlobal("cancelAnimationFrame", (id: number) => { if (id > 0) frames[id - 1] = () => {}; });
function runFrame() { const list = frames.splice(0); list.forEach((cb) => cb(0)); flushSync(); }

afterEach(() => { document.body.innerHTML = ""; });

it("renders synchronously when not streaming", () => {
  const target = document.body;
  const props = $state({ content: "# Hi\n\nThere **x**\n\n```js\na\n```", streaming: false });
  const c = mount(MarkdownContent, { target, props });
  flushSync();
  const root = target.querySelector(".markdown")!;
  console.log(root.outerHTML);
  expect(root.getAttribute("data-rendered-length")).toBe(String(props.content.length));
  unmount(c);
});

it("coalesces streaming updates per frame", () => {
  const target = document.body;
  const props = $state({ content: "", streaming: true });
  const c = mount(MarkdownContent, { target, props });
  flushSync();
  runFrame();
  const root = target.querySelector(".markdown")!;
  let text = "";
  for (const t of ["Hello ", "**wor", "ld**\n\n", "- a\n", "- b"]) { text += t; props.content = text; flushSync(); }
  expect(frames.length).toBe(1);
  expect(root.getAttribute("data-rendered-length")).toBe("0");
  runFrame();
  expect(root.getAttribute("data-rendered-length")).toBe(String(text.length));
  console.log(root.innerHTML);
  props.content = text + "\n\nMore"; flushSync();
  expect(root.getAttribute("data-rendered-length")).toBe(String(text.length));
  props.streaming = false; flushSync();
  expect(root.getAttribute("data-rendered-length")).toBe(String(text.length + 6));
  console.log(root.innerHTML);
  unmount(c);
});

it("copies code with the button", async () => {
  const writeText = vi.fn(async (_t: string) => {});
  Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
  const props = $state({ content: "```sh\nnpm i\n```", streaming: false });
  const c = mount(MarkdownContent, { target: document.body, props });
  flushSync();
  const button = document.querySelector<HTMLButtonElement>("button.copy-code")!;
  button.click();
  await new Promise((r) => setTimeout(r, 0));
  flushSync();
  expect(writeText).toHaveBeenCalledWith("npm i");
  expect(button.textContent).toBe("Copied");
  expect(document.querySelector("[role=status]")?.textContent).toBe("Code copied");
  unmount(c);
});
