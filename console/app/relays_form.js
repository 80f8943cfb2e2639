// The Relays screen's form for a new pull-to-push task (CreateLivePullToPush, docs/api/relay.md):
// the required parameters and the common optional ones; each API error is shown beside the
// field it concerns (or above the buttons when it concerns none).
import { html } from '../vendor/preact-htm.js';
import { callApi } from './api.js';
import { Busy } from './ui.js';
import {
  REGION, REGIONS, Field, FieldNotes, fieldAttrs, fromLocalInput, localInput, useApiForm,
} from './relays_fields.js';

const PREFIX = 'relays-new';
const PROTOCOLS = ['rtmp', 'srt', 'rtsp', 'http-flv', 'hls'];
const FIELDS = ['Region', 'TaskName', 'StartTime', 'EndTime', 'SourceType', 'SourceProtocol', 'SourceUrls',
  'DstUrl', 'CallbackUrl', 'RepeatNumber', 'Offset', 'FileIndex', 'RetryCount', 'RetryInterval',
  'ReqAuth', 'AuthKey', 'NotifyItemSwitch'];

function initialValues() {
  const now = Date.now();
  return {
    Region: REGION, TaskName: '', StartTime: localInput(now), EndTime: localInput(now + 3600 * 1000),
    SourceType: 'live', SourceProtocol: 'rtmp', SourceUrls: '', DstUrl: '', CallbackUrl: '',
    RepeatNumber: '', Offset: '', FileIndex: '', RetryCount: '', RetryInterval: '',
    ReqAuth: false, AuthKey: '', NotifyItemSwitch: false,
  };
}

// The request's parameters from the form's values: empty optional fields are left out (the
// API's defaults apply), times converted to UTC, the source URLs (one a line) as a JSON array.
function createParams(v) {
  const urls = v.SourceUrls.split('\n').map((u) => u.trim()).filter(Boolean);
  const params = { Region: v.Region, StartTime: fromLocalInput(v.StartTime),
    EndTime: fromLocalInput(v.EndTime), SourceType: v.SourceType, DstUrl: v.DstUrl.trim() };
  if (urls.length) params.SourceUrls = JSON.stringify(urls);
  if (v.SourceType === 'live') params.SourceProtocol = v.SourceProtocol;
  const optional = ['TaskName', 'CallbackUrl', 'RetryCount', 'RetryInterval'];
  if (v.SourceType === 'url') optional.push('RepeatNumber', 'Offset', 'FileIndex');
  for (const name of optional) if (v[name].trim()) params[name] = v[name].trim();
  if (v.ReqAuth) params.ReqAuth = 'yes';
  if (v.ReqAuth && v.AuthKey) params.AuthKey = v.AuthKey;
  if (v.SourceType === 'url' && v.NotifyItemSwitch) params.NotifyItemSwitch = 'yes';
  return params;
}

// The fields the form shows for `v`: an error about another one is shown above the buttons.
function shownFields(v) {
  const hidden = v.SourceType === 'live' ? ['RepeatNumber', 'Offset', 'FileIndex', 'NotifyItemSwitch']
    : ['SourceProtocol'];
  if (!v.ReqAuth) hidden.push('AuthKey');
  return FIELDS.filter((name) => !hidden.includes(name));
}

function Select({ name, label, options, form }) {
  const attrs = fieldAttrs(PREFIX, name, form.errors, false);
  return html`<div class="relays-field">
    <label for=${attrs.id}>${label}</label>
    <select ...${attrs} value=${form.values[name]} onChange=${(e) => form.onValue(name, e.target.value)}>
      ${options.map(([value, words]) => html`<option key=${value} value=${value}>${words}</option>`)}
    </select>
    <${FieldNotes} prefix=${PREFIX} name=${name} errors=${form.errors} />
  </div>`;
}

function Check({ name, label, form }) {
  const attrs = fieldAttrs(PREFIX, name, form.errors, false);
  return html`<div class="relays-field relays-check">
    <input ...${attrs} type="checkbox" checked=${form.values[name]}
      onChange=${(e) => form.onValue(name, e.target.checked)} />
    <label for=${attrs.id}>${label}</label>
    <${FieldNotes} prefix=${PREFIX} name=${name} errors=${form.errors} />
  </div>`;
}

// The source: its kind, protocol (live) and URLs.
function SourceFields({ form }) {
  const live = form.values.SourceType === 'live';
  const f = { prefix: PREFIX, ...form };
  return html`<fieldset class="relays-group">
    <legend>Source</legend>
    <${Select} name="SourceType" label="Source type" form=${form}
      options=${[['live', 'live: a live stream'], ['url', 'url: files played in order']]} />
    ${live && html`<${Select} name="SourceProtocol" label="Source protocol" form=${form}
      options=${PROTOCOLS.map((p) => [p, p])} />`}
    <${Field} ...${f} name="SourceUrls" label="Source URLs" multiline rows="3" spellcheck="false"
      hint=${live ? 'One URL: rtmp://host/app/stream, srt://host:port, rtsp://host[:port]/path, or http(s):// for http-flv and hls.'
        : 'One URL a line (1 to 30), played in order: http(s):// or file: inside the media root.'} />
    ${!live && html`<div class="relays-row3">
      <${Field} ...${f} name="RepeatNumber" label="Repeats" type="number" min="-1"
        hint="More passes after the first; -1 forever (default 0)." />
      <${Field} ...${f} name="FileIndex" label="First file" type="number" min="0"
        hint="0-based index (default 0)." />
      <${Field} ...${f} name="Offset" label="Offset (s)" type="number" min="0"
        hint="Into the first file (default 0)." />
    </div>
    <${Check} name="NotifyItemSwitch" label="Call back at each new file" form=${form} />`}
  </fieldset>`;
}

// The options most tasks keep at their defaults: retries and callbacks.
function OptionFields({ form }) {
  const f = { prefix: PREFIX, ...form };
  return html`<fieldset class="relays-group">
    <legend>Retries and callbacks</legend>
    <div class="relays-row3">
      <${Field} ...${f} name="RetryCount" label="Retries" type="number" min="0" max="30"
        hint="0 to 30 (default 3)." />
      <${Field} ...${f} name="RetryInterval" label="Retry interval (s)" type="number"
        hint="60 to 300 (default 60)." />
      <${Select} name="Region" label="Region" form=${form} options=${REGIONS.map((r) => [r, r])} />
    </div>
    <${Field} ...${f} name="CallbackUrl" label="Callback URL" type="url" spellcheck="false"
      hint="Optional: http(s):// URL told of each status change." />
    <${Check} name="ReqAuth" label="Sign callbacks with a key" form=${form} />
    ${form.values.ReqAuth && html`<${Field} ...${f} name="AuthKey" label="Callback signing key"
      type="password" autocomplete="new-password" hint="16 to 64 letters and digits." />`}
  </fieldset>`;
}

// The form; `onCreated(taskId)` after the API created the task, `onCancel` to close it.
export function CreateRelay({ session, onCreated, onCancel, onError }) {
  const { values, errors, formError, busy, formRef, onValue, run } = useApiForm(initialValues, onError);
  const form = { values, errors, onValue };
  const submit = (event) => {
    event.preventDefault();
    run(async () => {
      const body = await callApi(session, 'CreateLivePullToPush', createParams(values));
      onCreated(body.TaskId);
    }, shownFields(values));
  };

  const f = { prefix: PREFIX, ...form };
  const failed = formError || Object.values(errors).some(Boolean);
  return html`<form class="relays-form" ref=${formRef} noValidate onSubmit=${submit}
    aria-labelledby="relays-new-title">
    <h3 id="relays-new-title">New relay</h3>
    <div class="relays-row2">
      <${Field} ...${f} name="TaskName" label="Name" hint="Optional, up to 128 characters." />
      <${Field} ...${f} name="DstUrl" label="Destination URL" type="url" spellcheck="false"
        hint="rtmp://host[:port]/app/stream" />
    </div>
    <div class="relays-row2">
      <${Field} ...${f} name="StartTime" label="Start" type="datetime-local" step="1"
        hint="Your time zone; may be in the past (starts at once)." />
      <${Field} ...${f} name="EndTime" label="End" type="datetime-local" step="1"
        hint="After the start and after now." />
    </div>
    <${SourceFields} form=${form} />
    <${OptionFields} form=${form} />
    ${failed && html`<p class="error" role="alert">${formError
      || 'The relay was not created: see the message beside the field.'}</p>`}
    <div class="relays-buttons">
      <button type="submit" disabled=${busy}>Create relay</button>
      <button type="button" onClick=${onCancel}>Cancel</button>
      ${busy && html`<${Busy} text="Creating…" />`}
    </div>
  </form>`;
}
