const replacements: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escapes text for HTML element content and quoted attribute values. Everything in a report that
 * came from outside the code (model outputs, model and run names, file paths, notes) goes through
 * here: a model can answer `<script>`, and a report is opened in a browser.
 */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (character) => replacements[character]!);
}
