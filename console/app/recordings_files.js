// The Recordings screen's files of the stream (recordings.js) that start in the timeline's window
// (its last 4 days when it shows more): the M3U8 index files — clips and the playlists of closed
// recording cycles — (DescribeLiveStreamRecordIndexFiles), each with Play and Open, and the MP4/FLV
// files of closed cycles (DescribeLiveStreamRecordFiles), each with Download, and Play for MP4.
// A page at a time, newest first.
import { html, useState, useEffect } from '../vendor/preact-htm.js';
import { callApi, ApiError } from './api.js';
import { Time, Busy, apiTime } from './ui.js';
import { SEC, MAX_CALL_MS, floorSec, ceilSec, formatDuration } from './recordings_time.js';

const INDEX_PAGE = 10;  // 5-30
const FILE_PAGE = 20;   // 1-100

// The range the lists cover: the window, or its last 4 days.
export function filesRange(win) {
  const to = ceilSec(win.to);
  const from = Math.max(floorSec(win.from), to - MAX_CALL_MS);
  return { from, to, clipped: from > win.from };
}

function baseName(key) {
  return String(key || '').split('/').pop();
}

function picture(info) {
  return info.Width && info.Height ? `${info.Width}×${info.Height}` : '—';
}

function size(bytes) {
  const n = Number(bytes) || 0;
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  return `${Math.ceil(n / 1e3)} kB`;
}

// One page of `action`'s answer for the range, re-asked when the page or `generation` changes.
function usePage(session, action, params, generation, onError) {
  const [pageNum, setPageNum] = useState(1);
  const [state, setState] = useState({ body: null, error: null });
  useEffect(() => {
    let stopped = false;
    setState((s) => ({ body: s.body, error: null, loading: true }));
    callApi(session, action, { ...params, PageNum: String(pageNum) })
      .then((body) => { if (!stopped) setState({ body, error: null }); })
      .catch((err) => {
        if (stopped) return;
        setState({ body: null, error: err });
        if (!(err instanceof ApiError && err.code === 'InvalidAction.NotFound')) onError(err);
      });
    return () => { stopped = true; };
  }, [pageNum, generation]);
  return [state, pageNum, setPageNum];
}

function Pager({ label, pageNum, total, pageSize, setPageNum }) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (pages <= 1) return null;
  return html`<div class="recordings-pager" role="group" aria-label=${`${label}: pages`}>
    <button type="button" disabled=${pageNum <= 1} onClick=${() => setPageNum(pageNum - 1)}>Newer</button>
    <span>Page ${pageNum} of ${pages}</span>
    <button type="button" disabled=${pageNum >= pages} onClick=${() => setPageNum(pageNum + 1)}>Older</button>
  </div>`;
}

function IndexRow({ info, onPlay }) {
  const name = baseName(info.OssObject);
  const play = () => onPlay({ kind: 'hls', url: info.RecordUrl, label: `Index file ${name}`,
    recordId: info.RecordId });
  return html`<tr>
    <td class="recordings-name" title=${`${info.OssBucket}/${info.OssObject}`}>${name}</td>
    <td data-label="Start"><${Time} value=${info.StartTime} /></td>
    <td data-label="End"><${Time} value=${info.EndTime} /></td>
    <td data-label="Duration">${formatDuration(Number(info.Duration) * SEC)}</td>
    <td data-label="Picture">${picture(info)}</td>
    <td class="recordings-actions">
      <button type="button" onClick=${play} aria-label=${`Play ${name}`}>Play</button>
      <a class="button" href=${info.RecordUrl} target="_blank" rel="noopener noreferrer"
        aria-label=${`Open ${name}`}>Open</a>
    </td>
  </tr>`;
}

function IndexFiles({ session, names, range, generation, onPlay, onError }) {
  const params = { ...names, StartTime: apiTime(range.from), EndTime: apiTime(range.to),
    PageSize: String(INDEX_PAGE), Order: 'desc' };
  const [state, pageNum, setPageNum] = usePage(session, 'DescribeLiveStreamRecordIndexFiles', params,
    generation, onError);
  const list = state.body?.RecordIndexInfoList?.RecordIndexInfo || [];
  const total = Number(state.body?.TotalNum) || 0;
  return html`<div class="recordings-list recordings-index-files">
    <h4>M3U8 index files <span class="status">(clips and closed recording cycles)</span></h4>
    ${state.loading && html`<${Busy} text="Listing the index files…" />`}
    ${state.error && html`<p class="error" role="alert">${state.error.message}</p>`}
    ${state.body && list.length === 0 && html`<p class="status">No index file starts in this range.</p>`}
    ${list.length > 0 && html`<table class="recordings-table">
      <caption>${total} index ${total === 1 ? 'file' : 'files'}, newest first</caption>
      <thead><tr><th>Name</th><th>Start</th><th>End</th><th>Duration</th><th>Picture</th>
        <th><span class="visually-hidden">Actions</span></th></tr></thead>
      <tbody>${list.map((info) => html`<${IndexRow} key=${info.RecordId} info=${info}
        onPlay=${onPlay} />`)}</tbody>
    </table>`}
    <${Pager} label="Index files" pageNum=${pageNum} total=${total} pageSize=${INDEX_PAGE}
      setPageNum=${setPageNum} />
  </div>`;
}

function FileRow({ info, onPlay }) {
  const name = baseName(info.OssObject);
  const format = String(info.Format || '').toUpperCase();
  const play = () => onPlay({ kind: 'mp4', url: info.RecordUrl, label: `MP4 file ${name}` });
  return html`<tr>
    <td class="recordings-name" title=${`${info.OssBucket}/${info.OssObject}`}>
      <span class="recordings-format">${format}</span> ${name}</td>
    <td data-label="Start"><${Time} value=${info.StartTime} /></td>
    <td data-label="End"><${Time} value=${info.EndTime} /></td>
    <td data-label="Duration">${formatDuration(Number(info.Duration) * SEC)}</td>
    <td data-label="Picture">${picture(info)}</td>
    <td data-label="Size">${size(info.Size)}</td>
    <td class="recordings-actions">
      ${info.Format === 'mp4' && html`<button type="button" onClick=${play}
        aria-label=${`Play ${name}`}>Play</button>`}
      <a class="button" href=${info.RecordUrl} download=${name}
        aria-label=${`Download ${name}`}>Download</a>
    </td>
  </tr>`;
}

function CycleFiles({ session, names, range, generation, onPlay, onError }) {
  const params = { ...names, StartTime: apiTime(range.from), EndTime: apiTime(range.to),
    PageSize: String(FILE_PAGE), Order: 'desc' };
  const [state, pageNum, setPageNum] = usePage(session, 'DescribeLiveStreamRecordFiles', params,
    generation, onError);
  const list = state.body?.RecordFileInfoList?.RecordFileInfo || [];
  const total = Number(state.body?.TotalNum) || 0;
  const unknown = state.error instanceof ApiError && state.error.code === 'InvalidAction.NotFound';
  return html`<div class="recordings-list recordings-cycle-files">
    <h4>MP4 and FLV files <span class="status">(closed recording cycles)</span></h4>
    ${state.loading && html`<${Busy} text="Listing the MP4 and FLV files…" />`}
    ${unknown && html`<p class="status" role="status">This server cannot list MP4 and FLV files: it does
      not know the action DescribeLiveStreamRecordFiles (an older liverec).</p>`}
    ${state.error && !unknown && html`<p class="error" role="alert">${state.error.message}</p>`}
    ${state.body && list.length === 0 && html`<p class="status">No MP4 or FLV file starts in this range.</p>`}
    ${list.length > 0 && html`<table class="recordings-table">
      <caption>${total} MP4/FLV ${total === 1 ? 'file' : 'files'}, newest first</caption>
      <thead><tr><th>Name</th><th>Start</th><th>End</th><th>Duration</th><th>Picture</th><th>Size</th>
        <th><span class="visually-hidden">Actions</span></th></tr></thead>
      <tbody>${list.map((info) => html`<${FileRow} key=${info.FileId} info=${info}
        onPlay=${onPlay} />`)}</tbody>
    </table>`}
    <${Pager} label="MP4 and FLV files" pageNum=${pageNum} total=${total} pageSize=${FILE_PAGE}
      setPageNum=${setPageNum} />
  </div>`;
}

// Both lists for the window `win`; `generation` re-asks them (after a clip is created).
export function RecordingFiles({ session, target, win, generation, onPlay, onError }) {
  const range = filesRange(win);
  const names = { DomainName: target.domain, AppName: target.app, StreamName: target.stream };
  const key = `${target.domain}/${target.app}/${target.stream}/${range.from}/${range.to}`;
  return html`<div class="recordings-files">
    <p class="status">Files that start from <${Time} value=${range.from} /> to <${Time} value=${range.to} />
      ${range.clipped ? ' (the last 4 days of the window: zoom in or move it for others)' : ''}.</p>
    <${IndexFiles} key=${`i${key}`} session=${session} names=${names} range=${range}
      generation=${generation} onPlay=${onPlay} onError=${onError} />
    <${CycleFiles} key=${`f${key}`} session=${session} names=${names} range=${range}
      generation=${generation} onPlay=${onPlay} onError=${onError} />
  </div>`;
}
