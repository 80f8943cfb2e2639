// The Callbacks screen's filters (callbacks.js): time range (relative, or from/to in the
// browser's zone), status, app and stream names (exact match, as DescribeLiveRecordNotifyRecords
// matches them) and page size; and the StartTime/EndTime a range stands for. No API call here.
import { html } from '../vendor/preact-htm.js';
import { Time } from './ui.js';

const HOUR_MS = 3600 * 1000;
// The API refuses a StartTime older than 7 days; a minute of margin for the clocks.
const OLDEST_MS = 7 * 24 * HOUR_MS - 60 * 1000;
// The API's EndTime is exclusive and to the second: a minute ahead takes in the current one.
const END_MARGIN_MS = 60 * 1000;

const RANGES = [
  { id: '1h', label: 'Last hour', ms: HOUR_MS, words: 'in the last hour' },
  { id: '24h', label: 'Last 24 hours', ms: 24 * HOUR_MS, words: 'in the last 24 hours' },
  { id: '3d', label: 'Last 3 days', ms: 3 * 24 * HOUR_MS, words: 'in the last 3 days' },
  { id: '7d', label: 'Last 7 days', ms: OLDEST_MS, words: 'in the last 7 days' },
];

export const DEFAULT_FILTERS = {
  range: '24h', from: '', to: '', status: '', app: '', stream: '', pageSize: '20',
};

const STATUS_WORDS = { success: 'delivered', failed: 'failed or still retrying' };

// A Date as the value of an <input type="datetime-local"> (the browser's zone, to the minute).
export function localInput(date) {
  const shifted = new Date(date.getTime() - date.getTimezoneOffset() * 60000);
  return shifted.toISOString().slice(0, 16);
}

// The [start, end) window `filters` stand for at `now` (ms): {start, end} Dates, or {errors}
// naming the fields that are wrong (a custom range only).
export function windowOf(filters, now) {
  const range = RANGES.find((r) => r.id === filters.range);
  if (range) return { start: new Date(now - range.ms), end: new Date(now + END_MARGIN_MS) };
  const errors = {};
  const start = new Date(filters.from);
  const end = new Date(filters.to);
  if (!filters.from || Number.isNaN(start.getTime())) {
    errors.from = 'Give the start of the range.';
  } else if (start.getTime() < now - OLDEST_MS) {
    errors.from = 'The history can be asked for the last 7 days only: start later than '
      + `${new Date(now - OLDEST_MS).toLocaleString()}.`;
  }
  if (!filters.to || Number.isNaN(end.getTime())) {
    errors.to = 'Give the end of the range.';
  } else if (!errors.from && end <= start) {
    errors.to = 'The end must be after the start.';
  }
  return Object.keys(errors).length ? { errors } : { start, end };
}

// The filters in words, for the table's caption and the empty result.
export function FilterWords({ filters, span }) {
  const range = RANGES.find((r) => r.id === filters.range);
  const parts = [];
  if (filters.status) parts.push(STATUS_WORDS[filters.status]);
  if (filters.app) parts.push(`app ${filters.app}`);
  if (filters.stream) parts.push(`stream ${filters.stream}`);
  const when = range ? range.words
    : html`from <${Time} value=${span.start} /> to <${Time} value=${span.end} />`;
  return html`<span>${when}${parts.length ? ` (${parts.join(', ')})` : ''}</span>`;
}

function FieldError({ id, text }) {
  return text ? html`<span class="error callbacks-field-error" id=${id}>${text}</span>` : null;
}

function CustomRange({ draft, set, errors }) {
  const oldest = localInput(new Date(Date.now() - OLDEST_MS));
  return html`<div class="callbacks-field callbacks-wide">
      <label for="callbacks-from">From</label>
      <input id="callbacks-from" type="datetime-local" min=${oldest} value=${draft.from}
        aria-invalid=${errors.from ? 'true' : undefined}
        aria-describedby=${errors.from ? 'callbacks-from-error' : undefined}
        onInput=${(e) => set('from', e.target.value)} />
      <${FieldError} id="callbacks-from-error" text=${errors.from} />
    </div>
    <div class="callbacks-field callbacks-wide">
      <label for="callbacks-to">To</label>
      <input id="callbacks-to" type="datetime-local" min=${oldest} value=${draft.to}
        aria-invalid=${errors.to ? 'true' : undefined}
        aria-describedby=${errors.to ? 'callbacks-to-error' : undefined}
        onInput=${(e) => set('to', e.target.value)} />
      <${FieldError} id="callbacks-to-error" text=${errors.to} />
    </div>`;
}

// The filter form; `onApply` is called on submit, `errors` are shown beside their fields.
export function Filters({ draft, setDraft, onApply, errors }) {
  const set = (name, value) => setDraft({ ...draft, [name]: value });
  const pickRange = (value) => {
    if (value !== 'custom' || draft.from) return set('range', value);
    const now = new Date();
    return setDraft({ ...draft, range: value, from: localInput(new Date(now.getTime() - 24 * HOUR_MS)),
      to: localInput(new Date(now.getTime() + END_MARGIN_MS)) });
  };
  const submit = (event) => {
    event.preventDefault();
    onApply();
  };
  return html`<form class="callbacks-filters" noValidate onSubmit=${submit} aria-label="Filters">
    <div class="callbacks-field">
      <label for="callbacks-range">Latest attempt</label>
      <select id="callbacks-range" value=${draft.range} onChange=${(e) => pickRange(e.target.value)}>
        ${RANGES.map((r) => html`<option key=${r.id} value=${r.id}>${r.label}</option>`)}
        <option value="custom">From… to…</option>
      </select>
    </div>
    ${draft.range === 'custom' && html`<${CustomRange} draft=${draft} set=${set} errors=${errors} />`}
    <div class="callbacks-field">
      <label for="callbacks-status">Status</label>
      <select id="callbacks-status" value=${draft.status} onChange=${(e) => set('status', e.target.value)}>
        <option value="">All</option>
        <option value="success">Delivered</option>
        <option value="failed">Failed (or retrying)</option>
      </select>
    </div>
    <div class="callbacks-field">
      <label for="callbacks-app">App name</label>
      <input id="callbacks-app" placeholder="any" value=${draft.app} autocomplete="off"
        onInput=${(e) => set('app', e.target.value)} />
    </div>
    <div class="callbacks-field">
      <label for="callbacks-stream">Stream name</label>
      <input id="callbacks-stream" placeholder="any" value=${draft.stream} autocomplete="off"
        onInput=${(e) => set('stream', e.target.value)} />
    </div>
    <div class="callbacks-field callbacks-narrow">
      <label for="callbacks-page-size">Per page</label>
      <select id="callbacks-page-size" value=${draft.pageSize}
        onChange=${(e) => set('pageSize', e.target.value)}>
        ${['20', '50', '100'].map((n) => html`<option key=${n} value=${n}>${n}</option>`)}
      </select>
    </div>
    <div class="callbacks-field callbacks-apply">
      <button type="submit">Apply filters</button>
    </div>
    <p class="status callbacks-note">Entries are kept at most 7 days and can be asked for the last
      7 days only. App and stream names must match exactly (no wildcards).</p>
  </form>`;
}
