import createDOMPurify, { type Config, type WindowLike } from "dompurify";
import { Marked, Renderer, type Tokens } from "marked";

/** The only link targets a reply may point to; anything else (javascript:, data:, relative paths) stays text. */
const SAFE_PROTOCOLS = new Set(["http:", "https:", "mailto:"]);

/** Classes our renderer writes; the sanitiser drops every other one so model output cannot borrow app styles. */
const ALLOWED_CLASS = /^(?:language-[\w+#.-]{1,40}|code-block|copy-code|table-scroll)$/;

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
    "strong",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
  ],
  ALLOWED_ATTR: ["align", "aria-label", "class", "href", "start", "title", "type"],
  ALLOWED_URI_REGEXP: /^(?:https?|mailto):/i,
  // DOMPurify checks every attribute it does not know to be URL-free against ALLOWED_URI_REGEXP.
  ADD_URI_SAFE_ATTR: ["align", "aria-label", "start", "type"],
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
      code({ text, lang }: Tokens.Code): string {
        const language = /^[\w+#.-]{1,40}/.exec(lang ?? "")?.[0];
        const classAttribute = language ? ` class="language-${language}"` : "";
        return (
          `<div class="code-block"><button type="button" class="copy-code" aria-label="Copy code">Copy</button>` +
          `<pre><code${classAttribute}>${escapeHtml(text.replace(/\n$/, ""))}\n</code></pre></div>\n`
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
export function createMarkdownRenderer(window: WindowLike): (source: string) => string {
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
  return (source) => purify.sanitize(marked.parse(source, { async: false }));
}

let defaultRenderer: ((source: string) => string) | undefined;

/**
 * Renders a reply's Markdown as sanitised HTML for `{@html}`: raw HTML shows as text, links open in a new tab
 * and only for http(s) and mailto, images become links, code keeps its language class.
 *
 * @example
 * renderMarkdown("**bold** <img src=x onerror=alert(1)>");
 * // '<p><strong>bold</strong> &lt;img src=x onerror=alert(1)&gt;</p>\n'
 */
export function renderMarkdown(source: string): string {
  defaultRenderer ??= createMarkdownRenderer(window);
  return defaultRenderer(source);
}
