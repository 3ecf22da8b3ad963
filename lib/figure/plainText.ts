/**
 * Plain text of a plotly string: `<br>` → newline, other tags removed, basic entities decoded.
 * @param s Plotly text (titles, tick text, annotations allow simple HTML).
 * @returns The text as it is drawn, lines separated by `\n`.
 */
export function plainText(s: string): string {
  return s
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
