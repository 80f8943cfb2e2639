// The Callbacks screen's table (callbacks.js): one row per callback event of
// DescribeLiveRecordNotifyRecords (its latest attempt), the result in words and colour, and a
// disclosure button per row that shows the request body, the request headers and the
// receiver's answer, pretty-printed when they are JSON. No API call here.
import { html } from '../vendor/preact-htm.js';
import { Time } from './ui.js';

const ISO_TIME = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/;

// What an entry's result is, in words: delivered, still being retried, or given up.
export function resultOf(entry) {
  if (entry.NotifyResult === 'success') return { cls: 'callbacks-ok', icon: '✓', text: 'Delivered' };
  if (/next attempt at/.test(entry.Description || '')) {
    return { cls: 'callbacks-retrying', icon: '↻', text: 'Retrying' };
  }
  return { cls: 'callbacks-failed', icon: '✗', text: 'Failed' };
}

// `text` indented when it is a JSON object or array; as it is otherwise.
export function pretty(text) {
  if (!text) return '';
  try {
    const value = JSON.parse(text);
    if (value && typeof value === 'object') return JSON.stringify(value, null, 2);
  } catch {
    // not JSON: shown as it is
  }
  return text;
}

// The entry's event id (X-Liverec-Event-Id of its headers), or '' when they cannot be read.
export function eventIdOf(entry) {
  try {
    return JSON.parse(entry.NotifyHeader || '{}')['X-Liverec-Event-Id'] || '';
  } catch {
    return '';
  }
}

// The Description, its time of next attempt (ISO UTC) shown in the browser's zone.
function Description({ text }) {
  const found = ISO_TIME.exec(text || '');
  if (!found) return html`<span>${text}</span>`;
  return html`<span>${text.slice(0, found.index)}<${Time} value=${found[0]} />${
    text.slice(found.index + found[0].length)}</span>`;
}

function Block({ title, text, empty }) {
  const shown = pretty(text);
  return html`<section class="callbacks-block">
    <h3>${title}</h3>
    ${shown ? html`<pre tabindex="0">${shown}</pre>` : html`<p class="status">${empty}</p>`}
  </section>`;
}

function Details({ entry, id, columns }) {
  return html`<tr class="callbacks-detail" id=${id}>
    <td colspan=${columns}>
      <div class="callbacks-blocks">
        <${Block} title="Request body" text=${entry.NotifyContent} empty="No body (a GET request)." />
        <${Block} title="Request headers" text=${entry.NotifyHeader} empty="No headers recorded." />
        <${Block} title="Receiver's answer" text=${entry.NotifyResponse}
          empty="No answer body (or no answer at all: see the description)." />
      </div>
    </td>
  </tr>`;
}

const COLUMNS = 7;

function Row({ entry, rowKey, open, onToggle }) {
  const result = resultOf(entry);
  const detailId = `callbacks-detail-${rowKey}`;
  const where = `${entry.AppName}/${entry.StreamName}`;
  return html`<tr class=${open ? 'callbacks-row callbacks-open' : 'callbacks-row'}>
      <td class="callbacks-toggle">
        <button type="button" aria-expanded=${open ? 'true' : 'false'} aria-controls=${detailId}
          aria-label=${`Details of ${entry.NotifyType} for ${where}`} onClick=${() => onToggle(rowKey)}>
          <span class="callbacks-chevron" aria-hidden="true">${open ? '▾' : '▸'}</span> Details
        </button>
      </td>
      <td class="callbacks-time"><${Time} value=${entry.NotifyTime} /></td>
      <td class="callbacks-where">${where}</td>
      <td class="callbacks-type">${entry.NotifyType}</td>
      <td class="callbacks-url">${entry.NotifyUrl}</td>
      <td class="callbacks-result-cell"><span class=${`callbacks-result ${result.cls}`}>
        <span aria-hidden="true">${result.icon}</span> ${result.text}</span></td>
      <td class="callbacks-description"><${Description} text=${entry.Description} /></td>
    </tr>
    ${open && html`<${Details} entry=${entry} id=${detailId} columns=${COLUMNS} />`}`;
}

// The table of `entries`; `expanded` (a Set of row keys) says which rows show their details.
export function CallbackTable({ entries, expanded, onToggle, caption, offset }) {
  const keyOf = (entry, i) => eventIdOf(entry) || `n${offset + i}`;
  return html`<table class="callbacks-table">
    <caption>${caption}</caption>
    <thead><tr><th><span class="callbacks-hidden">Details</span></th><th>Latest attempt</th>
      <th>App / stream</th><th>Event</th><th>URL</th><th>Result</th><th>Description</th></tr></thead>
    <tbody>${entries.map((entry, i) => {
      const rowKey = keyOf(entry, i);
      return html`<${Row} key=${rowKey} rowKey=${rowKey} entry=${entry} open=${expanded.has(rowKey)}
        onToggle=${onToggle} />`;
    })}</tbody>
  </table>`;
}
