// The Relays screen: the account's pull-to-push relay tasks (docs/api/relay.md), listed by
// DescribeLivePullToPushList (a page at a time, filtered by name or destination) and refreshed
// every few seconds and after each action, each with a status light, its progress, the reason of
// a failure, its URLs and times (relays_row.js). A form creates tasks (CreateLivePullToPush,
// relays_form.js); each task can be stopped, restarted, changed and deleted (Stop-, Restart-,
// Update-, DeleteLivePullToPush) and shown in full (DescribeLivePullToPush, relays_detail.js).
import { html, useState, useEffect, useLayoutEffect, useRef } from '../vendor/preact-htm.js';
import { callApi } from './api.js';
import { Busy, ErrorText } from './ui.js';
import { REGION } from './relays_fields.js';
import { CreateRelay } from './relays_form.js';
import { RelayRow } from './relays_row.js';

const REFRESH_MS = 3000;
const PAGE_SIZE = 20;

// The list's filters: parts of the task's name and of its destination URL.
function Filters({ onApply }) {
  const [name, setName] = useState('');
  const [dst, setDst] = useState('');
  const submit = (event) => {
    event.preventDefault();
    onApply({ TaskName: name.trim(), DstUrl: dst.trim() });
  };
  return html`<form class="inline relays-filters" onSubmit=${submit} aria-label="Filter relays">
    <label for="relays-filter-name">Name contains</label>
    <input id="relays-filter-name" value=${name} onInput=${(e) => setName(e.target.value)} />
    <label for="relays-filter-dst">Destination contains</label>
    <input id="relays-filter-dst" value=${dst} onInput=${(e) => setDst(e.target.value)} />
    <button type="submit">Filter</button>
  </form>`;
}

function Pager({ page, total, onPage }) {
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  if (pages <= 1) return null;
  return html`<nav class="relays-pager" aria-label="Pages of relays">
    <button type="button" disabled=${page <= 1} onClick=${() => onPage(page - 1)}>Previous page</button>
    <span>Page ${page} of ${pages}</span>
    <button type="button" disabled=${page >= pages} onClick=${() => onPage(page + 1)}>Next page</button>
  </nav>`;
}

function TaskTable({ session, list, filtered, onChanged, onNotice, onError }) {
  if (list.tasks.length === 0) {
    return html`<p class="status">${filtered ? 'No relay matches these filters.' : 'No relay task yet.'}</p>`;
  }
  return html`<table class="relays-table">
    <caption>${list.total} relay task${list.total === 1 ? '' : 's'}</caption>
    <thead><tr><th scope="col">Task</th><th scope="col">Status</th><th scope="col">Progress</th>
      <th scope="col">Source and destination</th><th scope="col">Schedule</th>
      <th scope="col">Actions</th></tr></thead>
    ${list.tasks.map((t) => html`<${RelayRow} key=${t.TaskId} session=${session} task=${t}
      onChanged=${onChanged} onNotice=${onNotice} onError=${onError} />`)}
  </table>`;
}

// Loads page `page` of the list with `filter` every REFRESH_MS, and at once when `round` changes.
function useTaskList(session, page, filter, round, onError) {
  const [list, setList] = useState(null);
  const [error, setError] = useState('');
  useEffect(() => {
    let stopped = false;
    let timer;
    const params = { Region: REGION, PageNumber: String(page), PageSize: String(PAGE_SIZE) };
    for (const [k, v] of Object.entries(filter)) if (v) params[k] = v;
    const load = async () => {
      try {
        const body = await callApi(session, 'DescribeLivePullToPushList', params);
        if (stopped) return;
        setList({ tasks: body.TaskList || [], total: body.Total || 0 });
        setError('');
      } catch (err) {
        if (stopped) return;
        setError(err);
        onError(err);
      }
      if (!stopped) timer = setTimeout(load, REFRESH_MS);
    };
    load();
    return () => { stopped = true; clearTimeout(timer); };
  }, [session, page, filter, round]);
  return { list, error };
}

export function Relays({ session, onError }) {
  const [page, setPage] = useState(1);
  const [filter, setFilter] = useState({});
  const [round, setRound] = useState(0);
  const [creating, setCreating] = useState(false);
  const [notice, setNotice] = useState('');
  const newRef = useRef(null);
  const refocus = useRef(false);
  // A closed form gives the focus back to its button.
  useLayoutEffect(() => {
    if (!creating && refocus.current && newRef.current) newRef.current.focus();
    refocus.current = false;
  }, [creating]);
  const { list, error } = useTaskList(session, page, filter, round, onError);
  const refresh = () => setRound((r) => r + 1);

  // A page left empty (its last task deleted) shows the one before.
  useEffect(() => {
    if (list && list.tasks.length === 0 && page > 1) setPage(page - 1);
  }, [list, page]);

  const closeForm = () => {
    refocus.current = true;
    setCreating(false);
  };
  const onCreated = (taskId) => {
    setNotice(`Created relay task ${taskId}.`);
    closeForm();
    refresh();
  };
  const applyFilter = (f) => { setPage(1); setFilter(f); };
  const filtered = Object.values(filter).some(Boolean);

  return html`<section aria-labelledby="relays-title" class="relays">
    <div class="relays-head">
      <h2 id="relays-title">Relays</h2>
      <button type="button" ref=${newRef} aria-expanded=${creating ? 'true' : 'false'}
        onClick=${() => (creating ? closeForm() : setCreating(true))}>
        ${creating ? 'Close the form' : 'New relay'}</button>
    </div>
    <p class="status">Tasks that pull a live stream or a playlist of files and push it to an RTMP
      destination; refreshed every ${REFRESH_MS / 1000} s.</p>
    ${creating && html`<${CreateRelay} session=${session} onCreated=${onCreated} onCancel=${closeForm}
      onError=${onError} />`}
    <div role="status">${notice && html`<p class="status relays-notice">${notice}</p>`}</div>
    <${Filters} onApply=${applyFilter} />
    <${ErrorText} error=${error} />
    ${list === null && !error && html`<${Busy} text="Loading relay tasks…" />`}
    ${list && html`<${TaskTable} session=${session} list=${list} filtered=${filtered} onChanged=${refresh}
      onNotice=${setNotice} onError=${onError} />
      <${Pager} page=${page} total=${list.total} onPage=${setPage} />`}
  </section>`;
}
