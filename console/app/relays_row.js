// One task of the Relays screen's list (docs/api/relay.md): a status light (colour and words),
// where a url playlist is, why it failed or stopped, its URLs and times, and its actions: stop
// (StopLivePullToPush), restart (RestartLivePullToPush), details and changes (relays_detail.js),
// delete (DeleteLivePullToPush, after a confirmation in the page).
import { html, useState, useLayoutEffect, useRef } from '../vendor/preact-htm.js';
import { callApi } from './api.js';
import { Time, Busy, ErrorText } from './ui.js';
import { REGION } from './relays_fields.js';
import { RelayDetail } from './relays_detail.js';

const COLUMNS = 6;

// Why a task is offline or exited, in words (the API's code in brackets).
const REASONS = {
  TriggerByUser: 'stopped by a user',
  PullStreamFailed: 'the source could not be read (PullStreamFailed)',
  PushStreamFailed: 'the destination did not take the stream (PushStreamFailed)',
  UnknownError: 'an unexpected error (UnknownError)',
  OverEndTime: 'its end time has passed (OverEndTime)',
};

// {word, tone (a CSS class suffix), reason (words or '')} of a task's status machine.
export function statusOf(task) {
  const info = task.TaskInfo || {};
  switch (task.TaskStatus) {
    case 0: return { word: 'idle', tone: 'idle',
      reason: Date.parse(info.StartTime) > Date.now() ? 'waits for its start time' : 'starting' };
    case 1: return { word: 'running', tone: 'ok', reason: '' };
    case 2: return { word: 'recovering', tone: 'warn', reason: 'the last attempt failed; it will retry' };
    case 3: {
      const code = task.TaskInvalidReason;
      if (!code) return { word: 'offline', tone: 'done', reason: 'the playlist has finished' };
      const tone = code === 'TriggerByUser' ? 'done' : 'bad';
      return { word: 'offline', tone, reason: REASONS[code] || code };
    }
    case -1: {
      const code = task.TaskExitReason;
      return { word: 'exited', tone: 'gone', reason: REASONS[code] || code };
    }
    default: return { word: `status ${task.TaskStatus}`, tone: 'idle', reason: '' };
  }
}

export function StatusLight({ task }) {
  const s = statusOf(task);
  return html`<span class=${`relays-status relays-tone-${s.tone}`}>
    <span class="relays-light" aria-hidden="true"></span><span class="relays-word">${s.word}</span>
  </span>
  ${s.reason && html`<span class="relays-reason">${s.reason}</span>`}`;
}

function clock(seconds) {
  const s = Math.max(0, Math.floor(Number(seconds) || 0));
  const [h, min, sec] = [Math.floor(s / 3600), Math.floor(s / 60) % 60, s % 60];
  const mm = String(min).padStart(h ? 2 : 1, '0');
  return `${h ? `${h}:` : ''}${mm}:${String(sec).padStart(2, '0')}`;
}

// Where a url playlist is (file and time into it); live sources have no position.
function Progress({ task }) {
  const info = task.TaskInfo || {};
  if (info.SourceType !== 'url') return html`<span class="relays-muted">live stream</span>`;
  const files = (info.SourceUrls || []).length;
  return html`<span>file ${task.CurrentFileIndex + 1} of ${files}, at ${clock(task.CurrentOffset)}</span>`;
}

function Urls({ info }) {
  const kind = info.SourceType === 'live' ? `live, ${info.SourceProtocol}` : 'files';
  return html`<span class="relays-kind">${kind}</span>
    <ul class="relays-urls">${(info.SourceUrls || []).map((u, i) =>
      html`<li key=${i}><code>${u}</code></li>`)}</ul>
    <span class="relays-arrow">to <code>${info.DstUrl}</code></span>`;
}

function Times({ task }) {
  const info = task.TaskInfo || {};
  return html`<span class="relays-when">from <${Time} value=${info.StartTime} /></span>
    <span class="relays-when">to <${Time} value=${info.EndTime} /></span>
    ${task.TaskStatus === -1 && task.TaskExitTime > 0 && html`<span class="relays-when">exited
      <${Time} value=${task.TaskExitTime * 1000} /></span>`}`;
}

// The in-page confirmation of a deletion: Cancel has the focus, Escape cancels.
function ConfirmDelete({ label, onConfirm, onCancel, busy }) {
  const cancelRef = useRef(null);
  useLayoutEffect(() => { if (cancelRef.current) cancelRef.current.focus(); }, []);
  const onKeyDown = (e) => { if (e.key === 'Escape') { e.preventDefault(); onCancel(); } };
  const titleId = `relays-confirm-${label.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  return html`<div class="relays-confirm" role="group" aria-labelledby=${titleId} onKeyDown=${onKeyDown}>
    <p id=${titleId}>Delete relay <strong>${label}</strong>? Its relay stops and the task is removed;
      this cannot be undone.</p>
    <button type="button" class="relays-danger" disabled=${busy} onClick=${onConfirm}>Delete for good</button>
    <button type="button" ref=${cancelRef} disabled=${busy} onClick=${onCancel}>Keep it</button>
  </div>`;
}

// One task: `onChanged()` after an action changed it, `onNotice(words)` to say what was done.
export function RelayRow({ session, task, onChanged, onNotice, onError }) {
  const info = task.TaskInfo || {};
  const label = info.TaskName || task.TaskId;
  const [pending, setPending] = useState('');
  const [error, setError] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [open, setOpen] = useState(false);
  const deleteRef = useRef(null);
  const refocus = useRef(false);
  // A cancelled deletion gives the focus back to Delete.
  useLayoutEffect(() => {
    if (!confirming && refocus.current && deleteRef.current) deleteRef.current.focus();
    refocus.current = false;
  }, [confirming]);
  const detailId = `relays-detail-${task.TaskId}`;

  const act = async (action, doing, done) => {
    setPending(doing);
    setError('');
    try {
      await callApi(session, action, { Region: REGION, TaskId: task.TaskId });
      onNotice(`${done}: ${label}.`);
      onChanged();
      return true;
    } catch (err) {
      setError(err);
      onError(err);
      return false;
    } finally {
      setPending('');
    }
  };
  const cancelDelete = () => {
    refocus.current = true;
    setConfirming(false);
  };
  const confirmDelete = async () => {
    if (await act('DeleteLivePullToPush', 'Deleting…', 'Deleted')) setConfirming(false);
  };
  const live = task.TaskStatus === 0 || task.TaskStatus === 1 || task.TaskStatus === 2;
  return html`<tbody class="relays-task" data-task-id=${task.TaskId}>
    <tr>
      <td data-label="Task" class="relays-name"><span>${info.TaskName || html`<em>no name</em>`}</span>
        <code class="relays-id">${task.TaskId}</code></td>
      <td data-label="Status"><${StatusLight} task=${task} /></td>
      <td data-label="Progress"><${Progress} task=${task} /></td>
      <td data-label="Source and destination" class="relays-where"><${Urls} info=${info} /></td>
      <td data-label="Schedule"><${Times} task=${task} /></td>
      <td data-label="Actions" class="relays-actions">
        ${live && html`<button type="button" disabled=${!!pending} aria-label=${`Stop ${label}`}
          onClick=${() => act('StopLivePullToPush', 'Stopping…', 'Stopped')}>Stop</button>`}
        ${task.TaskStatus !== -1 && html`<button type="button" disabled=${!!pending}
          aria-label=${`Restart ${label}`}
          onClick=${() => act('RestartLivePullToPush', 'Restarting…', 'Restarted')}>Restart</button>`}
        <button type="button" aria-expanded=${open ? 'true' : 'false'} aria-controls=${detailId}
          aria-label=${`Details of ${label}`} onClick=${() => setOpen(!open)}>Details</button>
        <button type="button" ref=${deleteRef} class="relays-danger" disabled=${!!pending || confirming}
          aria-label=${`Delete ${label}`} onClick=${() => setConfirming(true)}>Delete</button>
        ${pending && html`<${Busy} text=${pending} />`}
        <${ErrorText} error=${error} />
      </td>
    </tr>
    ${confirming && html`<tr class="relays-extra"><td colspan=${COLUMNS}>
      <${ConfirmDelete} label=${label} busy=${!!pending} onConfirm=${confirmDelete}
        onCancel=${cancelDelete} />
    </td></tr>`}
    ${open && html`<tr class="relays-extra" id=${detailId}><td colspan=${COLUMNS}>
      <${RelayDetail} session=${session} taskId=${task.TaskId} onChanged=${onChanged} onError=${onError} />
    </td></tr>`}
  </tbody>`;
}
