// Small pieces every screen uses: times in the browser's zone with UTC on hover, errors in words,
// a status line while something loads.
import { html } from '../vendor/preact-htm.js';

// A date (ISO text, epoch ms or Date) in the browser's zone; `title` shows it in UTC.
export function Time({ value }) {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return html`<span>${String(value)}</span>`;
  return html`<time datetime=${date.toISOString()} title=${`${date.toISOString().replace('.000Z', 'Z')} (UTC)`}>${date.toLocaleString()}</time>`;
}

export function ErrorText({ error }) {
  if (!error) return null;
  return html`<p class="error" role="alert">${error instanceof Error ? error.message : String(error)}</p>`;
}

export function Busy({ text }) {
  return html`<p class="status busy" role="status"><span class="spinner" aria-hidden="true"></span>${text}</p>`;
}

// The API's time format: ISO 8601 in UTC to the second.
export function apiTime(date) {
  return new Date(date).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
