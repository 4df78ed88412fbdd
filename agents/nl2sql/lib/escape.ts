// Escaping for HTML and SVG text and attributes: every value from the database or the question
// passes through here before it reaches markup, so a cell holding `<script>` is shown, not run.

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** How a value reads in a page: objects as JSON, null/undefined as nothing. */
export function displayText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  if (value === null || value === undefined) return '';
  return JSON.stringify(value) ?? '';
}

/** Escape text for an HTML/SVG text node or a quoted attribute value. */
export function escapeHtml(value: unknown): string {
  const text = displayText(value);
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}
