// The Recordings screen's selection and clip (recordings.js): the selected range as start/end
// times (datetime-local, the browser's zone, to the second) with its duration, and the Create
// clip button: CreateLiveStreamRecordIndexFiles over the selection into the bucket its recorded
// range is stored in (found on the timeline, else asked with DescribeLiveStreamRecordContent),
// whose signed RecordUrl plays at once and can be copied. The API's refusals are said in words.
import { html, useState } from '../vendor/preact-htm.js';
import { callApi, ApiError } from './api.js';
import { Time, Busy, apiTime } from './ui.js';
import {
  SEC, MIN, MAX_CALL_MS, formatDuration, toLocalInput, fromLocalInput, mergeRanges, rangeOf,
} from './recordings_time.js';

// Where the clip's playlist is written: every variable is one CreateLiveStreamRecordIndexFiles
// renders (docs/api/record-index.md).
export const CLIP_OBJECT = 'index/{AppName}/{StreamName}/{EscapedStartTime}_{EscapedEndTime}.m3u8';

const CLIP_WORDS = {
  NoRecordContent: 'Nothing was recorded in the selected range.',
  'InvalidEndTime.Mismatch': 'The range is refused: it must be at least as long as the stream’s '
    + 'slice duration (select a longer range), end after it starts, and last at most 4 days.',
  'InvalidStartTime.Mismatch': 'The range starts before the oldest recording the server keeps.',
  RecordContentExceed: 'The range holds too many slices for one playlist: select a shorter range.',
  'InvalidConfig.Changed': 'The range’s slices are stored in more than one bucket: select a range '
    + 'within one recording.',
};

// An error of the clip in words, with the API's own code and message after it.
function clipErrorText(err) {
  if (err instanceof ApiError && CLIP_WORDS[err.code]) return `${CLIP_WORDS[err.code]} (${err.message})`;
  return err.message;
}

// What is wrong with a selection for a clip ('' when nothing).
export function selectionProblem(sel) {
  if (!sel) return 'Select a range on the timeline (drag across it) or type its start and end.';
  if (!(sel.end > sel.start)) return 'The end must be after the start.';
  if (sel.end - sel.start > MAX_CALL_MS) return 'A clip can last at most 4 days.';
  return '';
}

// The distinct buckets ({endpoint, bucket}) of the ranges that overlap the selection.
function bucketsOf(ranges, sel) {
  const seen = new Map();
  for (const r of ranges) {
    if (r.end > sel.start && r.start < sel.end) seen.set(`${r.endpoint}/${r.bucket}`, r);
  }
  return [...seen.values()];
}

async function createClip(session, target, sel, ranges) {
  const names = { DomainName: target.domain, AppName: target.app, StreamName: target.stream };
  let where = bucketsOf(ranges, sel);
  if (where.length === 0) {
    // Not on the timeline's answers: ask for the selection itself.
    const body = await callApi(session, 'DescribeLiveStreamRecordContent', {
      ...names, StartTime: apiTime(sel.start), EndTime: apiTime(sel.end),
    });
    where = bucketsOf(mergeRanges((body.RecordContentInfoList?.RecordContentInfo || []).map(rangeOf)), sel);
  }
  if (where.length === 0) throw new Error(CLIP_WORDS.NoRecordContent);
  if (where.length > 1) {
    throw new Error(`The selection covers recordings stored in different buckets (${where
      .map((r) => r.bucket).join(', ')}): select a range within one of them.`);
  }
  const body = await callApi(session, 'CreateLiveStreamRecordIndexFiles', {
    ...names, OssEndpoint: where[0].endpoint, OssBucket: where[0].bucket, OssObject: CLIP_OBJECT,
    StartTime: apiTime(sel.start), EndTime: apiTime(sel.end), EndTimeIncluded: 'true',
  });
  return body.RecordInfo;
}

// A read-only URL with a Copy button.
export function CopyField({ id, label, url }) {
  const [copied, setCopied] = useState('');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(url);
      setCopied('Copied');
    } catch {
      setCopied('Copy refused by the browser: select the text and copy it');
    }
  };
  return html`<div class="recordings-url">
    <label for=${id}>${label}</label>
    <div class="recordings-url-row">
      <input id=${id} readonly value=${url} onFocus=${(e) => e.target.select()} />
      <button type="button" onClick=${copy}>Copy</button>
    </div>
    <span class="status" role="status">${copied}</span>
  </div>`;
}

function TimeInput({ id, label, value, onValue }) {
  return html`<span class="recordings-field">
    <label for=${id}>${label}</label>
    <input id=${id} type="datetime-local" step="1" value=${value ? toLocalInput(value) : ''}
      onInput=${(e) => { const t = fromLocalInput(e.target.value); if (!Number.isNaN(t)) onValue(t); }} />
  </span>`;
}

// The selection's fields, its duration and the Create clip button; `onClip(info)` gets the
// created index file's RecordInfo.
export function ClipPanel({ session, target, selection, ranges, onSelect, onClip, onError }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);  // {text, selection}: shown while that selection is
  const problem = selectionProblem(selection);
  const setStart = (t) => onSelect({ start: t, end: selection ? selection.end : t + MIN });
  const setEnd = (t) => onSelect({ start: selection ? selection.start : t - MIN, end: t });
  const create = async () => {
    setBusy(true);
    setError(null);
    try {
      onClip(await createClip(session, target, selection, ranges));
    } catch (err) {
      setError({ text: clipErrorText(err), selection });
      onError(err);
    } finally {
      setBusy(false);
    }
  };
  return html`<div class="recordings-clip">
    <div class="recordings-range">
      <${TimeInput} id="recordings-start" label="Start (your time zone)" value=${selection?.start}
        onValue=${setStart} />
      <${TimeInput} id="recordings-end" label="End (your time zone)" value=${selection?.end}
        onValue=${setEnd} />
      <p class="recordings-duration" aria-live="polite">${selection && !problem
        ? html`Selected <strong>${formatDuration(selection.end - selection.start)}</strong>
          ${' '}<span class="recordings-utc">(UTC ${apiTime(selection.start)} – ${
  apiTime(selection.end)})</span>`
        : html`<span class=${selection ? 'error' : 'status'}>${problem}</span>`}</p>
    </div>
    <div class="recordings-create">
      <button type="button" onClick=${create} disabled=${busy || !!problem}>Create clip</button>
      <span class="status">An M3U8 playlist of the selection, kept in the recording’s bucket.</span>
      ${busy && html`<${Busy} text="Creating the clip…" />`}
      ${error && error.selection === selection && html`<p class="error" role="alert">${error.text}</p>`}
    </div>
  </div>`;
}

// What a created clip is: its times and where it was written, and its URL to copy.
export function ClipResult({ clip }) {
  return html`<div class="recordings-clip-result">
    <p>Clip created: <${Time} value=${clip.StartTime} /> – <${Time} value=${clip.EndTime} />
      ${' '}(${formatDuration(Number(clip.Duration) * SEC)}), written as
      ${' '}<code>${clip.OssBucket}/${clip.OssObject}</code>.
      <span class="recordings-id">Record id <code>${clip.RecordId}</code></span></p>
    <${CopyField} id="recordings-clip-url" label="Clip URL (any HLS player; it carries its own token)"
      url=${clip.RecordUrl} />
  </div>`;
}
