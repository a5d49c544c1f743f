import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { lastReply, send, WAIT } from "./chat-page.js";
import { useChatInBrowser } from "./use-chat-in-browser.js";

const chat = useChatInBrowser();

/** Cuts text into pieces of 2–7 characters, as a model's tokens are, so tags and Markdown straddle chunks. */
function toTokens(text: string): string[] {
  const sizes = [3, 5, 2, 7, 4, 6];
  const tokens: string[] = [];
  for (let at = 0, index = 0; at < text.length; index++) {
    const size = sizes[index % sizes.length]!;
    tokens.push(text.slice(at, at + size));
    at += size;
  }
  return tokens;
}

const replyMarkdown = (page: Page) => lastReply(page).locator(".markdown");

async function waitForCompleteReply(page: Page): Promise<void> {
  await expect.poll(() => lastReply(page).getAttribute("data-state"), WAIT).toBe("complete");
}

/**
 * Runs in the page before the app: records every element that could load or run something the moment it is
 * added inside a reply (even if removed a frame later), and every Content-Security-Policy violation.
 */
const WATCH_REPLIES = `(() => {
  window.__dangerousElements = [];
  window.__cspViolations = [];
  document.addEventListener("securitypolicyviolation", (event) => {
    window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
  });
  const DANGEROUS = "img, script, iframe, svg, object, embed, video, audio, source, link, style, form, input, math, frame";
  new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) {
        if (!(node instanceof Element) || !node.closest('[data-role="assistant"]')) continue;
        for (const element of [node, ...node.querySelectorAll(DANGEROUS)]) {
          if (element.matches(DANGEROUS)) window.__dangerousElements.push(element.outerHTML);
        }
      }
    }
  }).observe(document, { childList: true, subtree: true });
})();`;

const HOSTILE_REPLY = [
  'An image: <img src=x onerror="window.__xss=1"> and a script: <script>window.__xss=2</script> inline.',
  "",
  'A Markdown link: [click](javascript:window.__xss=3) and an HTML one: <a href="javascript:window.__xss=4">go</a>.',
  "",
  '<iframe src="javascript:window.__xss=5"></iframe>',
  "",
  "<svg onload=\"window.__xss=6\"><circle r='4'/></svg>",
  "",
  "Alert attempt: <img src=y onerror=alert(7)> and <details open ontoggle=alert(8)>x</details>",
  "",
  "![pic](http://127.0.0.1:1/leak.png)",
  "",
  "The end.",
].join("\n");

describe("model output cannot run or load anything", () => {
  it("a reply full of HTML and script payloads, streamed in pieces, runs nothing, loads nothing and shows the HTML as text", async () => {
    chat.upstream.enqueue({ tokens: toTokens(HOSTILE_REPLY), delayMs: 20 });
    const open = await chat.openChat({ initScript: WATCH_REPLIES });
    const { page, context } = open;
    const requested: string[] = [];
    context.on("request", (request) => requested.push(request.url()));
    const dialogs: string[] = [];
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    expect(toTokens(HOSTILE_REPLY).some((token) => token.includes("<") && !token.includes(">"))).toBe(true);

    await send(page, "Show me some HTML");
    await waitForCompleteReply(page);

    const text = (await replyMarkdown(page).textContent())!;
    expect(text).toContain('<img src=x onerror="window.__xss=1">');
    expect(text).toContain("<script>window.__xss=2</script>");
    expect(text).toContain('<a href="javascript:window.__xss=4">go</a>');
    expect(text).toContain('<iframe src="javascript:window.__xss=5"></iframe>');
    expect(text).toContain("<svg onload=\"window.__xss=6\"><circle r='4'/></svg>");
    expect(text).toContain("<img src=y onerror=alert(7)>");
    expect(text).toContain("The end.");

    const reply = lastReply(page);
    expect(await reply.locator("img, script, iframe, svg, object, embed, details, style").count()).toBe(0);
    const hrefs = await reply.locator("a").evaluateAll((links) => links.map((link) => link.getAttribute("href")));
    for (const href of hrefs) expect(href).toMatch(/^(https?|mailto):/);
    // The javascript: Markdown link stays its text; the image becomes a plain link to its address, never fetched.
    expect(text).toContain("click");
    expect(hrefs).toEqual(["http://127.0.0.1:1/leak.png"]);
    // Even clicking what is left of the javascript: link does nothing.
    await reply.getByText("click", { exact: false }).first().click();

    expect(await page.evaluate(() => (window as { __xss?: unknown }).__xss)).toBeUndefined();
    expect(await page.evaluate(() => (window as unknown as { __dangerousElements: string[] }).__dangerousElements)).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations)).toEqual([]);
    expect(dialogs).toEqual([]);
    const payloadUrls = ["http://127.0.0.1:1/leak.png", new URL("x", page.url()).href, new URL("y", page.url()).href];
    expect(requested.filter((url) => payloadUrls.includes(url))).toEqual([]);
  });

  it("the page is served with a Content-Security-Policy that only allows the app's own scripts and connections", async () => {
    const open = await chat.openChat();
    const response = await open.page.goto(chat.app.baseUrl);
    const policy = (await response!.allHeaders())["content-security-policy"];
    expect(policy).toBeDefined();
    const directives = new Map(
      policy!.split(";").map((directive) => {
        const [name, ...values] = directive.trim().split(/\s+/);
        return [name!, values] as const;
      }),
    );
    expect(directives.get("script-src")).toEqual(["'self'"]);
    expect(directives.get("connect-src")).toEqual(["'self'"]);
    expect(directives.get("object-src")).toEqual(["'none'"]);
    expect(directives.get("img-src")?.some((source) => source.startsWith("http") || source === "*")).toBe(false);
    expect(directives.get("frame-ancestors")).toEqual(["'none'"]);
  });
});

describe("Markdown in replies", () => {
  const TS_CODE = ["const limit: number = a < b && b > c ? 1 : 2;", "  console.log(`<b>${limit}</b> & done`);", "", "// trailing comment"].join("\n");
  const PY_CODE = ["def greet(name):", '    return f"Hello, {name}!"  # <- indented'].join("\n");
  const RICH_REPLY = [
    "## Summary",
    "",
    "Some **bold**, some *emphasis* and `inline <code>`.",
    "",
    "- first item",
    "- second item",
    "",
    "1. one",
    "2. two",
    "3. three",
    "",
    "| Name | Value |",
    "| --- | ---: |",
    "| alpha | 1 |",
    "| beta | 22 |",
    "",
    "```ts",
    TS_CODE,
    "```",
    "",
    "```python",
    PY_CODE,
    "```",
    "",
    "See [the docs](https://example.com/docs?a=1&b=2) or <https://example.org/auto>.",
  ].join("\n");

  it("renders code blocks with their language and exact text, lists, tables and safe new-tab links", async () => {
    chat.upstream.enqueue({ tokens: toTokens(RICH_REPLY), delayMs: 20 });
    const open = await chat.openChat();
    const { page } = open;
    await send(page, "Format something");
    await waitForCompleteReply(page);
    const markdown = replyMarkdown(page);

    expect(await markdown.locator("h2").textContent()).toBe("Summary");
    expect(await markdown.locator("strong").textContent()).toBe("bold");
    expect(await markdown.locator("em").textContent()).toBe("emphasis");
    expect(await markdown.locator(":not(pre) > code").textContent()).toBe("inline <code>");

    const tsCode = markdown.locator("pre > code.language-ts");
    expect(await tsCode.count()).toBe(1);
    expect((await tsCode.textContent())!.replace(/\n$/, "")).toBe(TS_CODE);
    const pyCode = markdown.locator("pre > code.language-python");
    expect(await pyCode.count()).toBe(1);
    expect((await pyCode.textContent())!.replace(/\n$/, "")).toBe(PY_CODE);

    expect(await markdown.locator("ul > li").allTextContents()).toEqual(["first item", "second item"]);
    expect(await markdown.locator("ol > li").allTextContents()).toEqual(["one", "two", "three"]);

    expect(await markdown.locator("table thead th").allTextContents()).toEqual(["Name", "Value"]);
    const rows = await markdown.locator("table tbody tr").evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll("td"), (td) => td.textContent)));
    expect(rows).toEqual([
      ["alpha", "1"],
      ["beta", "22"],
    ]);

    const links = await markdown.locator("a").evaluateAll((anchors) =>
      anchors.map((anchor) => ({
        text: anchor.textContent,
        href: anchor.getAttribute("href"),
        target: anchor.getAttribute("target"),
        rel: anchor.getAttribute("rel"),
      })),
    );
    expect(links.map(({ text, href }) => ({ text, href }))).toEqual([
      { text: "the docs", href: "https://example.com/docs?a=1&b=2" },
      { text: "https://example.org/auto", href: "https://example.org/auto" },
    ]);
    for (const link of links) {
      expect(link.target).toBe("_blank");
      expect(link.rel!.split(/\s+/)).toEqual(expect.arrayContaining(["noopener", "noreferrer"]));
    }
  });
});
