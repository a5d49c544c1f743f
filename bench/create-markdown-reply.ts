/**
 * A long, realistic Markdown reply for the rendering benchmark, cut into tokens the size a model emits (a word or
 * a piece of punctuation with its leading space, ~4 characters): headings, paragraphs with inline code and links,
 * nested lists, fenced code with blank lines, tables and quotes, repeated with variations until `tokenCount` is reached.
 */
const SECTION = (index: number) => `## ${index + 1}. Handling streamed replies, part ${index + 1}

When a reply streams in, each **token** is appended to the message and the view must show it within one frame.
The renderer keeps finished blocks as they are and re-renders only the last one, so the work per token stays
small even when the reply is long. See [the guide](https://example.com/guide/${index}) and \`renderMarkdown()\` for details.

- Parse only the block that is still growing
- Keep finished blocks in the DOM:
  - they are keyed by position
  - and never rendered twice
- Coalesce updates to one per animation frame

1. Receive the event
2. Append its text
3. Paint on the next frame

\`\`\`ts
export function appendToken(reply: Reply, token: string): void {
  reply.content += token;

  // Rendering happens on the next animation frame, not here.
  scheduleRender(reply, ${index});
}
\`\`\`

| Step | Work per token | Notes |
| --- | --- | --- |
| parse | O(tail) | only the last block |
| render | O(tail) | keyed blocks stay |
| paint | one frame | coalesced |

> A quote to close section ${index + 1}: fast rendering is a property of the algorithm, not of the machine.

`;

export function createMarkdownReply(tokenCount: number): string[] {
  const tokens: string[] = [];
  for (let section = 0; tokens.length < tokenCount; section += 1) {
    for (const token of SECTION(section).match(/\s*[^\s]+|\s+/g) ?? []) {
      if (tokens.length === tokenCount) break;
      tokens.push(token);
    }
  }
  return tokens;
}
