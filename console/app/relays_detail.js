// The Relays screen's details of one task (DescribeLivePullToPush, docs/api/relay.md): every
// setting it was created with, and a small form changing its end time, callback URL and repeats
// (UpdateLivePullToPush), the API's errors beside the field they concern.
import { html, useState, useEffect } from '../vendor/preact-htm.js';
import { callApi } from './api.js';
import { Time, Busy, ErrorText } from './ui.js';
import { REGION, Field, fromLocalInput, localInput, useApiForm } from './relays_fields.js';

const EDIT_FIELDS = ['EndTime', 'CallbackUrl', 'RepeatNumber'];

function Setting({ term, children }) {
  return html`<div class="relays-setting"><dt>${term}</dt><dd>${children}</dd></div>`;
}

function repeatsWords(n) {
  if (n === -1) return 'forever';
  return n === 0 ? 'none (one pass)' : `${n} more pass${n === 1 ? '' : 'es'}`;
}

// What the task was created with (the AuthKey itself is not shown, only whether there is one).
function Settings({ info }) {
  const url = info.SourceType === 'url';
  return html`<dl class="relays-settings">
    <${Setting} term="Task ID"><code>${info.TaskId}</code><//>
    <${Setting} term="Source">${info.SourceType}${info.SourceProtocol ? ` (${info.SourceProtocol})` : ''}<//>
    <${Setting} term="Source URLs"><ol class="relays-urls">${(info.SourceUrls || []).map((u, i) =>
      html`<li key=${i}><code>${u}</code></li>`)}</ol><//>
    <${Setting} term="Destination"><code>${info.DstUrl}</code><//>
    <${Setting} term="Start"><${Time} value=${info.StartTime} /><//>
    <${Setting} term="End"><${Time} value=${info.EndTime} /><//>
    ${url && html`<${Setting} term="Repeats">${repeatsWords(info.RepeatNumber)}<//>
      <${Setting} term="Starts at">file ${info.FileIndex + 1}, ${info.Offset} s in<//>`}
    <${Setting} term="Retries">${info.RetryCount}, ${info.RetryInterval} s apart<//>
    <${Setting} term="Callback URL">${info.CallbackURL ? html`<code>${info.CallbackURL}</code>` : 'none'}<//>
    <${Setting} term="Signed callbacks">${info.ReqAuth === 'yes' || info.ReqAuth === 'true'
      ? 'yes (a key is set)' : `no${info.AuthKey ? ' (a key is kept)' : ''}`}<//>
    ${url && html`<${Setting} term="Call back at each file">${info.NotifyItemSwitch}<//>`}
  </dl>`;
}

// Changes EndTime, CallbackUrl and (url tasks) RepeatNumber; `onSaved` after the API took them.
function EditRelay({ session, info, onSaved, onError }) {
  const prefix = `relays-edit-${info.TaskId}`;
  const url = info.SourceType === 'url';
  const { values, errors, formError, busy, formRef, onValue, run } = useApiForm({
    EndTime: localInput(info.EndTime), CallbackUrl: info.CallbackURL || '',
    RepeatNumber: String(info.RepeatNumber ?? ''),
  }, onError);

  const submit = (event) => {
    event.preventDefault();
    const params = { Region: REGION, TaskId: info.TaskId, EndTime: fromLocalInput(values.EndTime),
      CallbackUrl: values.CallbackUrl.trim() };
    if (url) params.RepeatNumber = values.RepeatNumber.trim();
    run(async () => {
      await callApi(session, 'UpdateLivePullToPush', params);
      onSaved();
    }, url ? EDIT_FIELDS : EDIT_FIELDS.slice(0, 2));
  };
  const f = { prefix, values, errors, onValue };
  return html`<form class="relays-form relays-edit" ref=${formRef} noValidate onSubmit=${submit}
    aria-label=${`Change relay ${info.TaskName || info.TaskId}`}>
    <div class="relays-row3">
      <${Field} ...${f} name="EndTime" label="End" type="datetime-local" step="1" />
      <${Field} ...${f} name="CallbackUrl" label="Callback URL" type="url" spellcheck="false"
        hint="Empty: no callbacks." />
      ${url && html`<${Field} ...${f} name="RepeatNumber" label="Repeats" type="number" min="-1"
        hint="-1 forever." />`}
    </div>
    ${(formError || Object.values(errors).some(Boolean)) && html`<p class="error" role="alert">${formError
      || 'Not saved: see the message beside the field.'}</p>`}
    <div class="relays-buttons">
      <button type="submit" disabled=${busy}>Save changes</button>
      ${busy && html`<${Busy} text="Saving…" />`}
    </div>
  </form>`;
}

// The details panel of task `taskId`, read afresh when opened and after each change (the form
// starts again from what was read).
export function RelayDetail({ session, taskId, onChanged, onError }) {
  const [task, setTask] = useState(null);
  const [error, setError] = useState('');
  const [saved, setSaved] = useState('');
  const [round, setRound] = useState(0);
  const [loads, setLoads] = useState(0);
  useEffect(() => {
    let stopped = false;
    callApi(session, 'DescribeLivePullToPush', { Region: REGION, TaskId: taskId })
      .then((body) => {
        if (stopped) return;
        setTask(body);
        setLoads((n) => n + 1);
        setError('');
      })
      .catch((err) => { if (!stopped) { setError(err); onError(err); } });
    return () => { stopped = true; };
  }, [session, taskId, round]);

  const onSaved = () => {
    setSaved('Changes saved.');
    setRound((r) => r + 1);
    onChanged();
  };
  if (error) return html`<${ErrorText} error=${error} />`;
  if (!task) return html`<${Busy} text="Loading the task…" />`;
  const info = task.TaskInfo || {};
  return html`<div class="relays-detail">
    <${Settings} info=${info} />
    ${task.TaskStatus === -1
      ? html`<p class="status">An exited task cannot be changed.</p>`
      : html`<${EditRelay} key=${loads} session=${session} info=${info} onSaved=${onSaved}
        onError=${onError} />`}
    <div role="status">${saved && html`<p class="status">${saved}</p>`}</div>
  </div>`;
}
