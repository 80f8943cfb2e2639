// The Rules screen's recording configs (rules.js): the domain's configs, a page at a time
// (DescribeLiveRecordConfig), and a form to add (AddLiveAppRecordConfig) or change
// (UpdateLiveAppRecordConfig) one — app, stream, bucket, the formats with their object-name
// templates and durations, mode, delay and time window — and delete one
// (DeleteLiveAppRecordConfig) after an in-page confirmation. The API's validation errors are
// shown beside the input they concern.
import { html, useState, useEffect, useRef } from '../vendor/preact-htm.js';
import { callApi } from './api.js';
import { Time, Busy, ErrorText, apiTime } from './ui.js';
import {
  fieldId, useForm, useFocusInvalid, submitForm, TextInput, SelectInput, FormText,
  FormError, ConfirmDelete, focusSoon,
} from './rules_form.js';

const PAGE_SIZE = 10;
const PREFIX = 'rules-rec';
const FORMATS = ['m3u8', 'mp4', 'flv'];
const FORMAT_FIELDS = ['Format', 'OssObjectPrefix', 'SliceOssObjectPrefix', 'CycleDuration', 'SliceDuration'];
const MODES = [
  ['0', 'Automatic'],
  ['1', 'On demand: callback'],
  ['2', 'On demand: ingest URL'],
  ['7', 'Manual: commands'],
];
const DEFAULT_OBJECT = 'record/{AppName}/{StreamName}/{EscapedStartTime}_{EscapedEndTime}';
const DEFAULT_SLICE = 'record/{AppName}/{StreamName}/{UnixTimestamp}_{Sequence}';

// "live/cam1", "live (app level)".
export function triplet(rec) {
  return rec.StreamName ? `${rec.AppName}/${rec.StreamName}` : `${rec.AppName} (app level)`;
}

function modeText(value) {
  const mode = MODES.find(([v]) => v === String(value));
  return mode ? mode[1] : String(value);
}

function templates(f) {
  return [f.OssObjectPrefix, f.SliceOssObjectPrefix].filter(Boolean).join('\n');
}

function formatText(f) {
  const slices = f.Format === 'm3u8' && f.SliceDuration ? `, ${f.SliceDuration} s slices` : '';
  return `${f.Format}: ${f.CycleDuration} s files${slices}`;
}

// An ISO time as a datetime-local value in the browser's zone, and back to the API's UTC form.
function toLocalInput(iso) {
  const d = new Date(iso);
  if (!iso || Number.isNaN(d.getTime())) return '';
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:`
    + `${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

function fromLocalInput(text) {
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? text : apiTime(d);
}

function emptyFormat(format) {
  return { Format: format, OssObjectPrefix: '', SliceOssObjectPrefix: '', CycleDuration: '',
    SliceDuration: '' };
}

function initialValues(rec) {
  if (!rec) {
    return { AppName: '', StreamName: '', OssEndpoint: 'local', OssBucket: 'records', OnDemand: '0',
      DelayTime: '', StartTime: '', EndTime: '', formats: [emptyFormat('m3u8')] };
  }
  const str = (v) => (v === undefined || v === null ? '' : String(v));
  return {
    AppName: rec.AppName, StreamName: rec.StreamName || '', OssEndpoint: rec.OssEndpoint,
    OssBucket: rec.OssBucket, OnDemand: str(rec.OnDemond), DelayTime: str(rec.DelayTime),
    StartTime: toLocalInput(rec.StartTime), EndTime: toLocalInput(rec.EndTime),
    formats: (rec.RecordFormatList?.RecordFormat || []).map((f) => ({
      Format: f.Format, OssObjectPrefix: str(f.OssObjectPrefix),
      SliceOssObjectPrefix: str(f.SliceOssObjectPrefix), CycleDuration: str(f.CycleDuration),
      SliceDuration: f.Format === 'm3u8' ? str(f.SliceDuration) : '',
    })),
  };
}

// The request parameters of the form's values; empty inputs are not sent (the API's defaults).
// The window is sent when typed, or on an update when changed (a stored window that has ended
// would be refused if sent again).
function windowParams(p, v, rec) {
  const start = v.StartTime ? fromLocalInput(v.StartTime) : '';
  const end = v.EndTime ? fromLocalInput(v.EndTime) : '';
  if (rec && start === rec.StartTime && end === rec.EndTime) return;
  if (start) p.StartTime = start;
  if (end) p.EndTime = end;
}

function recordParams(domain, v, rec) {
  const p = { DomainName: domain, AppName: v.AppName.trim(), OssEndpoint: v.OssEndpoint.trim(),
    OssBucket: v.OssBucket.trim(), OnDemand: v.OnDemand };
  const optional = (name, value) => { if (value.trim() !== '') p[name] = value.trim(); };
  optional('StreamName', v.StreamName);
  optional('DelayTime', v.DelayTime);
  windowParams(p, v, rec);
  v.formats.forEach((f, i) => {
    const n = `RecordFormat.${i + 1}.`;
    p[`${n}Format`] = f.Format;
    optional(`${n}OssObjectPrefix`, f.OssObjectPrefix);
    optional(`${n}CycleDuration`, f.CycleDuration);
    if (f.Format === 'm3u8') {
      optional(`${n}SliceOssObjectPrefix`, f.SliceOssObjectPrefix);
      optional(`${n}SliceDuration`, f.SliceDuration);
    }
  });
  return p;
}

function formFields(formats) {
  return ['AppName', 'StreamName', 'OssEndpoint', 'OssBucket', 'OnDemand', 'DelayTime', 'StartTime',
    'EndTime', 'RecordFormat',
    ...formats.flatMap((_, i) => FORMAT_FIELDS.map((f) => `RecordFormat.${i + 1}.${f}`))];
}

// One RecordFormat.N of the form.
function FormatRow({ form, index, onChange, onRemove, canRemove }) {
  const f = form.values.formats[index];
  const n = `RecordFormat.${index + 1}`;
  const bind = (name) => ({ id: fieldId(PREFIX, `${n}.${name}`), value: f[name],
    error: form.errors[`${n}.${name}`], onValue: (value) => onChange(index, name, value) });
  const m3u8 = f.Format === 'm3u8';
  return html`<fieldset class="rules-format">
    <legend>Format ${index + 1}</legend>
    <div class="rules-grid">
      <${SelectInput} ...${bind('Format')} label="Format" options=${FORMATS.map((x) => [x, x])} />
      <${TextInput} ...${bind('CycleDuration')} label="File length (s)" attrs=${{ inputMode: 'numeric',
        placeholder: m3u8 ? '21600' : '3600' }} hint="CycleDuration, 900–21600" />
      ${m3u8 && html`<${TextInput} ...${bind('SliceDuration')} label="Slice length (s)"
        attrs=${{ inputMode: 'numeric', placeholder: '30' }} hint="SliceDuration, up to 30" />`}
    </div>
    <div class="rules-grid rules-wide">
      <${TextInput} ...${bind('OssObjectPrefix')}
        label=${m3u8 ? 'Playlist name template' : 'File name template'}
        attrs=${{ placeholder: DEFAULT_OBJECT }} hint="OssObjectPrefix; empty: the default shown" />
      ${m3u8 && html`<${TextInput} ...${bind('SliceOssObjectPrefix')} label="Slice name template"
        attrs=${{ placeholder: DEFAULT_SLICE }} hint="SliceOssObjectPrefix; empty: the default shown" />`}
    </div>
    ${canRemove && html`<button type="button" class="rules-link" onClick=${() => onRemove(index)}
      aria-label=${`Remove format ${index + 1}`}>Remove this format</button>`}
  </fieldset>`;
}

function FormatList({ form }) {
  const formats = form.values.formats;
  const change = (i, name, value) => form.setValues((v) => ({ ...v,
    formats: v.formats.map((f, j) => (j === i ? { ...f, [name]: value } : f)) }));
  const remove = (i) => {
    form.setErrors({});
    form.setValues((v) => ({ ...v, formats: v.formats.filter((_, j) => j !== i) }));
  };
  const unused = FORMATS.find((x) => !formats.some((f) => f.Format === x));
  const add = () => form.setValues((v) => ({ ...v, formats: [...v.formats, emptyFormat(unused)] }));
  const error = form.errors.RecordFormat;
  return html`<div class="rules-formats">
    ${formats.map((_, i) => html`<${FormatRow} key=${i} form=${form} index=${i} onChange=${change}
      onRemove=${remove} canRemove=${formats.length > 1} />`)}
    ${error && html`<p id=${`${PREFIX}-RecordFormat-error`} class="rules-field-error"
      role="alert">${error}</p>`}
    <button type="button" id=${`${PREFIX}-add-format`} disabled=${!unused} onClick=${add}
      aria-describedby=${error ? `${PREFIX}-RecordFormat-error` : undefined}>Add a format</button>
  </div>`;
}

// The add / edit form; `rec` is the config edited (null: a new one).
function RecordForm({ session, domain, rec, onSaved, onCancel, onError }) {
  const form = useForm(initialValues(rec));
  const [busy, setBusy] = useState(false);
  const ref = useRef(null);
  useFocusInvalid(ref, form.errors);
  const v = form.values;
  const submit = async (event) => {
    event.preventDefault();
    if (rec && rec.StartTime && !v.StartTime && !v.EndTime) {
      form.setErrors({ StartTime: 'An update cannot remove a stored time window (the API keeps it when '
        + 'StartTime and EndTime are not sent): delete the config and add it again.' });
      return;
    }
    const params = recordParams(domain, v, rec);
    const ok = await submitForm(form, setBusy, formFields(v.formats),
      () => callApi(session, rec ? 'UpdateLiveAppRecordConfig' : 'AddLiveAppRecordConfig', params), onError);
    const name = triplet({ AppName: params.AppName, StreamName: params.StreamName });
    if (ok) onSaved(`${rec ? 'Saved' : 'Added'} ${name}.`);
  };
  const title = rec ? `Edit ${triplet(rec)}` : 'New recording config';
  const text = (name, label, extra = {}) => html`<${FormText} form=${form} prefix=${PREFIX} name=${name}
    label=${label} ...${extra} />`;
  return html`<form class="rules-form" ref=${ref} noValidate onSubmit=${submit}
    aria-labelledby=${`${PREFIX}-title`}>
    <h4 id=${`${PREFIX}-title`}>${title}</h4>
    <${FormError} form=${form} />
    <div class="rules-grid">
      ${text('AppName', 'App', { hint: 'AppName, or * for every app',
        attrs: { readOnly: Boolean(rec), placeholder: 'live' } })}
      ${text('StreamName', 'Stream', { hint: 'StreamName, * for every stream, empty: app level',
        attrs: { readOnly: Boolean(rec) } })}
      ${text('OssEndpoint', 'Bucket endpoint', { hint: 'OssEndpoint: local or a host name' })}
      ${text('OssBucket', 'Bucket', { hint: 'OssBucket, declared for this account' })}
    </div>
    <${FormatList} form=${form} />
    <div class="rules-grid">
      <${SelectInput} id=${fieldId(PREFIX, 'OnDemand')} label="Recording" value=${v.OnDemand}
        onValue=${(x) => form.set('OnDemand', x)} options=${MODES} error=${form.errors.OnDemand}
        hint="OnDemand: 0, 1, 2 or 7" />
      ${text('DelayTime', 'Reconnect delay (s)', { hint: 'DelayTime, up to 21600; empty: 180',
        attrs: { inputMode: 'numeric', placeholder: '180' } })}
      ${text('StartTime', 'Record from', { type: 'datetime-local', attrs: { step: '1' },
        hint: 'StartTime, your time zone; a concrete stream only' })}
      ${text('EndTime', 'Record until', { type: 'datetime-local', attrs: { step: '1' }, hint: 'EndTime' })}
    </div>
    <div class="rules-buttons">
      <button type="submit" disabled=${busy}>${busy ? 'Saving…' : 'Save'}</button>
      <button type="button" onClick=${onCancel} disabled=${busy}>Cancel</button>
    </div>
    ${busy && html`<${Busy} text="Saving the recording config…" />`}
  </form>`;
}

function RecordRow({ rec, onEdit, onDelete }) {
  const formats = rec.RecordFormatList?.RecordFormat || [];
  const name = triplet(rec);
  return html`<tr>
    <td data-label="App">${rec.AppName}</td>
    <td data-label="Stream" class="rules-name">${rec.StreamName || html`<em>app level</em>`}</td>
    <td data-label="Bucket">${rec.OssBucket}\u00a0<span
      class="rules-muted">@\u00a0${rec.OssEndpoint}</span></td>
    <td data-label="Formats">${formats.map((f) => html`<span key=${f.Format} class="rules-format-tag"
      title=${templates(f)}>${formatText(f)}</span>`)}</td>
    <td data-label="Recording">${modeText(rec.OnDemond)}</td>
    <td data-label="Delay">${rec.DelayTime} s</td>
    <td data-label="Window">${rec.StartTime
      ? html`<${Time} value=${rec.StartTime} /> – <${Time} value=${rec.EndTime} />` : '—'}</td>
    <td data-label="Created"><${Time} value=${rec.CreateTime} /></td>
    <td class="rules-actions">
      <button type="button" onClick=${() => onEdit(rec)} aria-label=${`Edit ${name}`}>Edit</button>
      <button type="button" onClick=${() => onDelete(rec)} aria-label=${`Delete ${name}`}>Delete</button>
    </td>
  </tr>`;
}

function Pager({ page, body, onPage }) {
  if (!body || body.TotalPage <= 1) return null;
  return html`<nav class="rules-pager" aria-label="Recording config pages">
    <button type="button" disabled=${page <= 1} onClick=${() => onPage(page - 1)}>Previous page</button>
    <span>Page ${page} of ${body.TotalPage} (${body.TotalNum} configs)</span>
    <button type="button" disabled=${page >= body.TotalPage}
      onClick=${() => onPage(page + 1)}>Next page</button>
  </nav>`;
}

function RecordTable({ domain, list, onEdit, onDelete }) {
  if (list.length === 0) return html`<p class="status">No recording config on ${domain}.</p>`;
  return html`<table class="rules-table">
    <caption>Recording configs of ${domain}</caption>
    <thead><tr><th>App</th><th>Stream</th><th>Bucket</th><th>Formats</th><th>Recording</th>
      <th>Delay</th><th>Window</th><th>Created</th><th><span class="rules-sr">Actions</span></th></tr></thead>
    <tbody>${list.map((rec) => html`<${RecordRow} key=${triplet(rec)} rec=${rec} onEdit=${onEdit}
      onDelete=${onDelete} />`)}</tbody>
  </table>`;
}

function useRecordPage(session, domain, page, tick, onError) {
  const [body, setBody] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    let stopped = false;
    setError(null);
    callApi(session, 'DescribeLiveRecordConfig', { DomainName: domain, PageNum: String(page),
      PageSize: String(PAGE_SIZE) })
      .then((b) => { if (!stopped) setBody(b); })
      .catch((err) => { if (!stopped) { setError(err); onError(err); } });
    return () => { stopped = true; };
  }, [session, domain, page, tick]);
  return { body, error };
}

// The section: list, pager, form, confirmation.
export function RecordConfigs({ session, domain, onError }) {
  const [page, setPage] = useState(1);
  const [tick, setTick] = useState(0);
  const [editing, setEditing] = useState(undefined); // undefined: no form; null: new; else the config
  const [confirming, setConfirming] = useState(null);
  const [deleting, setDeleting] = useState(false);
  const [note, setNote] = useState('');
  const [deleteError, setDeleteError] = useState(null);
  const { body, error } = useRecordPage(session, domain, page, tick, onError);
  useEffect(() => {
    if (body && body.TotalPage > 0 && page > body.TotalPage) setPage(body.TotalPage);
  }, [body]);
  const list = body?.LiveAppRecordList?.LiveAppRecord || [];
  const heading = useRef(null);
  const close = () => { setEditing(undefined); focusSoon(heading); };
  const saved = (text) => { close(); setNote(text); setTick((t) => t + 1); };
  const edit = (rec) => { setNote(''); setConfirming(null); setEditing(rec); };
  const askDelete = (rec) => {
    setNote('');
    setDeleteError(null);
    setEditing(undefined);
    setConfirming(rec);
  };
  const remove = async () => {
    setDeleting(true);
    const params = { DomainName: domain, AppName: confirming.AppName };
    if (confirming.StreamName) params.StreamName = confirming.StreamName;
    try {
      await callApi(session, 'DeleteLiveAppRecordConfig', params);
      setNote(`Deleted ${triplet(confirming)}.`);
      setConfirming(null);
      focusSoon(heading);
      setTick((t) => t + 1);
    } catch (err) {
      setDeleteError(err);
      onError(err);
    } finally {
      setDeleting(false);
    }
  };
  return html`<section class="rules-section" aria-labelledby="rules-rec-heading">
    <div class="rules-head">
      <h3 id="rules-rec-heading" tabIndex="-1" ref=${heading}>Recording configs</h3>
      <button type="button" onClick=${() => edit(null)}
        disabled=${editing === null}>Add a recording config</button>
    </div>
    <p class="rules-muted">Which streams are recorded, where and in which formats (the most specific
      config wins).</p>
    ${note && html`<p class="status" role="status">${note}</p>`}
    <${ErrorText} error=${error} />
    ${confirming && html`<${ConfirmDelete} id="rules-rec-confirm" busy=${deleting} onConfirm=${remove}
      onCancel=${() => { setConfirming(null); focusSoon(heading); }}
      text=${`Delete the recording config ${triplet(confirming)}? Streams published afterwards `
        + 'follow the next matching config, or are not recorded.'} />`}
    <${ErrorText} error=${deleteError} />
    ${editing !== undefined && html`<${RecordForm} key=${editing ? triplet(editing) : 'new'}
      session=${session} domain=${domain} rec=${editing} onSaved=${saved}
      onCancel=${close} onError=${onError} />`}
    ${!body && !error && html`<${Busy} text="Loading recording configs…" />`}
    ${body && html`<${RecordTable} domain=${domain} list=${list} onEdit=${edit} onDelete=${askDelete} />`}
    <${Pager} page=${page} body=${body} onPage=${setPage} />
  </section>`;
}
