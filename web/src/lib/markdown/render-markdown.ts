import createDOMPurify, { type Config, type WindowLike } from "dompurify";
import { Marked, Renderer, type Tokens } from "marked";

/** The only link targets a reply may point to; anything else (javascript:, data:, relative paths) stays text. */
const SAFE_PROTOCOLS = new Set(["http:", "https:", "mailto:"]);

/**
 * Classes our renderer and highlight.js write (`hljs-keyword`, and `class_` for a sub-scope such as `title.class`);
 * the sanitiser drops every other one so model output cannot borrow app styles.
 */
const ALLOWED_CLASS =
  /^(?:language-[\w+#.-]{1,40}|code-block|code-header|code-language|copy-code|wrap-code|table-scroll|hljs(?:-[a-z_-]{1,30})?|[a-z]{1,20}_{1,3})$/;

/** What may reach the page: the elements marked produces for GFM, nothing that loads, runs or takes input. */
const PURIFY_CONFIG: Config = {
  ALLOWED_TAGS: [
    "a",
    "blockquote",
    "br",
    "button",
    "code",
    "del",
    "div",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "span",
    "strong",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
  ],
  ALLOWED_ATTR: ["align", "aria-label", "aria-pressed", "class", "href", "start", "title", "type"],
  ALLOWED_URI_REGEXP: /^(?:https?|mailto):/i,
  // DOMPurify checks every attribute it does not know to be URL-free against ALLOWED_URI_REGEXP.
  ADD_URI_SAFE_ATTR: ["align", "aria-label", "aria-pressed", "start", "type"],
  ALLOW_DATA_ATTR: false,
  ALLOW_ARIA_ATTR: false,
};

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

/** Returns the normalised URL when it uses an allowed protocol, else null. */
function toSafeHref(href: string): string | null {
  // The URL parser strips tabs and newlines and lower-cases the scheme exactly as the browser would; relative
  // URLs do not parse without a base, so they stay text too.
  let url: URL;
  try {
    url = new URL(href.trim());
  } catch {
    return null;
  }
  return SAFE_PROTOCOLS.has(url.protocol) ? url.href : null;
}

function renderLink(href: string, title: string | null | undefined, html: string): string {
  const safe = toSafeHref(href);
  if (safe === null) return html;
  const titleAttribute = title ? ` title="${escapeHtml(title)}"` : "";
  return `<a href="${escapeHtml(safe)}"${titleAttribute}>${html}</a>`;
}

/** Highlights one code block's text as HTML, or returns undefined to show it plain. */
export type HighlightCode = (code: string, language: string) => string | undefined;

/** Options of one rendering. */
export interface RenderOptions {
  /** Highlights fenced code that names its language; without it, code is shown plain. */
  highlight?: HighlightCode;
}

/** The highlighter of the rendering under way: marked's renderer has no per-call options, and parsing is synchronous. */
let highlightCurrent: HighlightCode | undefined;

function createMarked(): Marked {
  return new Marked({
    gfm: true,
    breaks: false,
    async: false,
    renderer: {
      // Model output is text: raw HTML is shown as written, never interpreted.
      html({ text, block }: Tokens.HTML | Tokens.Tag): string {
        return block ? `<p>${escapeHtml(text.trim())}</p>\n` : escapeHtml(text);
      },
      link({ href, title, tokens }: Tokens.Link): string {
        return renderLink(href, title, this.parser.parseInline(tokens));
      },
      // A remote image would load as soon as it is shown, and its URL can carry data out: it becomes a link.
      image({ href, title, text }: Tokens.Image): string {
        return renderLink(href, title, escapeHtml(text || href));
      },
      // A bar above the code names its language and holds its buttons, so they never cover the code.
      code({ text, lang }: Tokens.Code): string {
        const language = /^[\w+#.-]{1,40}/.exec(lang ?? "")?.[0];
        const classAttribute = language ? ` class="language-${language}"` : "";
        const code = text.replace(/\n$/, "");
        const body = (language && highlightCurrent?.(code, language)) ?? escapeHtml(code);
        return (
          `<div class="code-block"><div class="code-header"><span class="code-language">${language ? escapeHtml(language) : "text"}</span>` +
          `<button type="button" class="wrap-code" aria-pressed="false" aria-label="Wrap long lines">Wrap</button>` +
          `<button type="button" class="copy-code" aria-label="Copy code">Copy</button></div>` +
          `<pre><code${classAttribute}>${body}\n</code></pre></div>\n`
        );
      },
      // A table wider than the reply scrolls sideways in its own box, so its cells can keep whole words.
      table(token: Tokens.Table): string {
        return `<div class="table-scroll">${Renderer.prototype.table.call(this, token)}</div>\n`;
      },
      // Task lists: a glyph instead of a form control.
      checkbox({ checked }: Tokens.Checkbox): string {
        return checked ? "☑ " : "☐ ";
      },
    },
  });
}

/**
 * Creates a Markdown-to-HTML function bound to one window: GFM via its own `Marked` instance, then sanitised by
 * its own DOMPurify instance (so hooks and settings never leak into other users of either library).
 *
 * @example
 * const render = createMarkdownRenderer(window);
 * render("[docs](https://example.com)"); // '<p><a href="https://example.com/" target="_blank" …>docs</a></p>\n'
 */
export function createMarkdownRenderer(window: WindowLike): (source: string, options?: RenderOptions) => string {
  const marked = createMarked();
  const purify = createDOMPurify(window);
  // An unsupported environment would make sanitize() return its input unchanged: refuse instead.
  if (!purify.isSupported) throw new Error("DOMPurify is not supported in this environment: refusing to render HTML");
  purify.setConfig(PURIFY_CONFIG);
  purify.addHook("uponSanitizeAttribute", (_node, data) => {
    if (data.attrName !== "class") return;
    const kept = data.attrValue.split(/\s+/).filter((name) => ALLOWED_CLASS.test(name));
    data.attrValue = kept.join(" ");
    if (kept.length === 0) data.keepAttr = false;
  });
  purify.addHook("afterSanitizeAttributes", (node) => {
    if (node.tagName !== "A") return;
    node.setAttribute("target", "_blank");
    node.setAttribute("rel", "noopener noreferrer nofollow");
  });
  return (source, options = {}) => {
    highlightCurrent = options.highlight;
    try {
      // The highlighter's HTML goes through the same sanitiser as everything else.
      return purify.sanitize(marked.parse(source, { async: false }));
    } finally {
      highlightCurrent = undefined;
    }
  };
}

let defaultRenderer: ((source: string, options?: RenderOptions) => string) | undefined;

/**
 * Renders a reply's Markdown as sanitised HTML for `{@html}`: raw HTML shows as text, links open in a new tab
 * and only for http(s) and mailto, images become links, code keeps its language class under a bar with its
 * language and Wrap and Copy buttons, highlighted when `options.highlight` can.
 *
 * @example
 * renderMarkdown("**bold** <img src=x onerror=alert(1)>");
 * // '<p><strong>bold</strong> &lt;img src=x onerror=alert(1)&gt;</p>\n'
 */
export function renderMarkdown(source: string, options?: RenderOptions): string {
  defaultRenderer ??= createMarkdownRenderer(window);
  return defaultRenderer(source, options);
}
