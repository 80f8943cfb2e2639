// The Recordings screen's timeline (recordings.js): a bar for the visible window with the stream's
// recorded ranges as blocks and the gaps empty, ticks in the browser's zone, zoom (minutes to
// days), pan, presets, and a range selected by dragging (or by a block's button). What was
// recorded comes from DescribeLiveStreamRecordContent, asked only for the shown window, in calls
// of at most 4 days, each answer kept for the stream so that nothing is asked twice.
import { html, useState, useEffect, useRef } from '../vendor/preact-htm.js';
import { callApi, ApiError } from './api.js';
import { Time, Busy, ErrorText, apiTime } from './ui.js';
import {
  SEC, DAY, MAX_CALL_MS, RETENTION_MS, PRESETS, SPANS, floorSec, ceilSec, ceilMin, oldestAllowed,
  formatDuration, nextSpan, ticks, addCovered, callsFor, settledPart, mergeRanges, rangeOf,
} from './recordings_time.js';

const TICK_PX = 90;  // room for one tick label

// The latest instant worth showing: now, or the end of content stamped ahead of it.
function latestEdge(ranges, now) {
  const last = ranges.length ? ranges[ranges.length - 1].end : 0;
  return Math.max(ceilMin(now), ceilSec(last));
}

// A window of `span` ending at `to`, kept within the retention and before `edge`.
export function windowEnding(to, span, edge = ceilMin(Date.now())) {
  const now = Date.now();
  let end = Math.min(floorSec(to), edge);
  if (end - span < now - RETENTION_MS) end = ceilSec(now - RETENTION_MS) + span;
  return { from: end - span, to: end };
}

export function defaultWindow() {
  return windowEnding(ceilMin(Date.now()), DAY);
}

// The window of `span` zoomed from `win`: around the selection when it is shown, else at the live
// edge when the window is there, else around its middle.
function zoomed(win, span, selection, edge) {
  const old = win.to - win.from;
  const shown = selection && selection.start < win.to && selection.end > win.from;
  if (shown) return windowEnding((selection.start + selection.end) / 2 + span / 2, span, edge);
  if (win.to >= Math.min(edge, Date.now()) - old * 0.02) return windowEnding(win.to, span, edge);
  return windowEnding((win.from + win.to) / 2 + span / 2, span, edge);
}

// The stream's recorded ranges for the shown window: {ranges, loading, error, refresh, findLatest}.
export function useRecordContent(session, target, win, onError) {
  const key = target ? `${target.domain}\n${target.app}\n${target.stream}` : '';
  const cache = useRef(null);
  if (!cache.current || cache.current.key !== key) {
    cache.current = { key, covered: [], pending: [], ranges: [], inflight: new Set() };
  }
  const [state, setState] = useState({ ranges: [], loading: false, error: null });
  const [generation, setGeneration] = useState(0);

  // One call for [s, e] into cache `c`; what it says is kept for good.
  const ask = (c, s, e) => {
    const askedAt = Date.now();
    c.pending = addCovered(c.pending, s, e);
    const promise = callApi(session, 'DescribeLiveStreamRecordContent', {
      DomainName: target.domain, AppName: target.app, StreamName: target.stream,
      StartTime: apiTime(s), EndTime: apiTime(e),
    }).then((body) => {
      const list = body.RecordContentInfoList?.RecordContentInfo || [];
      c.ranges = mergeRanges([...c.ranges, ...list.map(rangeOf)]);
      c.covered = addCovered(c.covered, ...settledPart(s, e, askedAt));
    }).finally(() => {
      c.pending = c.pending.flatMap(([a, b]) => (b <= s || a >= e ? [[a, b]]
        : [[a, s], [e, b]].filter(([x, y]) => y > x)));
      c.inflight.delete(promise);
    });
    c.inflight.add(promise);
    return promise;
  };
  const known = (c) => c.pending.reduce((all, [a, b]) => addCovered(all, a, b), c.covered);

  useEffect(() => {
    if (!target) return undefined;
    const c = cache.current;
    const calls = callsFor(win.from, win.to, known(c));
    const others = [...c.inflight];
    let stopped = false;
    if (calls.length === 0 && others.length === 0) {
      setState({ ranges: c.ranges, loading: false, error: null });
      return undefined;
    }
    setState({ ranges: c.ranges, loading: true, error: null });
    const mine = calls.map(([s, e]) => ask(c, s, e));
    Promise.all(mine).then(() => Promise.allSettled(others)).then(
      () => { if (!stopped) setState({ ranges: c.ranges, loading: false, error: null }); },
      (err) => {
        if (stopped) return;
        setState({ ranges: c.ranges, loading: false, error: err });
        onError(err);
      });
    return () => { stopped = true; };
  }, [key, win.from, win.to, generation]);

  const refresh = () => {
    cache.current = { key, covered: [], pending: [], ranges: [], inflight: new Set() };
    setGeneration((g) => g + 1);
  };
  // The last recorded range before now, looking back 4 days a call up to the retention; null if
  // there is none.
  const findLatest = async () => {
    const c = cache.current;
    const now = Date.now();
    for (let e = latestEdge(c.ranges, now); e > oldestAllowed(now); e -= MAX_CALL_MS) {
      const s = e - MAX_CALL_MS;
      await Promise.all(callsFor(s, e, known(c), now).map(([a, b]) => ask(c, a, b)));
      await Promise.allSettled([...c.inflight]);
      const found = c.ranges.filter((r) => r.start < e && r.end > s);
      if (found.length) {
        if (cache.current === c) setState((st) => ({ ...st, ranges: c.ranges }));
        return found[found.length - 1];
      }
    }
    return null;
  };
  return { ...state, refresh, findLatest };
}

// The window that shows range `r` whole, near the window's right side.
export function windowAround(r) {
  const length = Math.max(r.end - r.start, SEC);
  const span = SPANS.find((s) => s >= length * 1.25) || SPANS[SPANS.length - 1];
  return windowEnding(r.end + (span - length) / 3, span, Math.max(ceilMin(Date.now()), ceilSec(r.end)));
}

function percent(value) {
  return `${(Math.max(0, Math.min(1, value)) * 100).toFixed(4)}%`;
}

function rangeText(r) {
  const local = (t) => new Date(t).toLocaleString();
  return `Recorded ${local(r.start)} – ${local(r.end)}, ${formatDuration(r.end - r.start)}`;
}

function rangeTitle(r) {
  return `${rangeText(r)}\nUTC ${apiTime(r.start)} – ${apiTime(r.end)}, bucket ${r.bucket}`;
}

// Follows an element's width in pixels.
function useWidth(ref) {
  const [width, setWidth] = useState(800);
  useEffect(() => {
    if (!ref.current) return undefined;
    const observer = new ResizeObserver(([entry]) => setWidth(entry.contentRect.width));
    observer.observe(ref.current);
    return () => observer.disconnect();
  }, []);
  return width;
}

function Controls({ win, selection, edge, onWindow, onLatest, onRefresh, finding }) {
  const span = win.to - win.from;
  const now = Date.now();
  const zoom = (s) => onWindow(zoomed(win, s, selection, edge));
  const pan = (direction) => onWindow(windowEnding(win.to + direction * span / 2, span, edge));
  return html`<div class="recordings-controls">
    <div class="recordings-group" role="group" aria-label="Move the timeline">
      <button type="button" onClick=${() => pan(-1)} disabled=${win.from <= now - RETENTION_MS}
        aria-label="Earlier (half a window back)">◀ Earlier</button>
      <button type="button" onClick=${() => pan(1)} disabled=${win.to >= edge}
        aria-label="Later (half a window on)">Later ▶</button>
      <button type="button" onClick=${() => onWindow(windowEnding(edge, span, edge))}
        disabled=${win.to >= edge}>Now</button>
      <button type="button" onClick=${onLatest} disabled=${finding}>Latest recording</button>
    </div>
    <div class="recordings-group" role="group" aria-label="Zoom">
      <button type="button" onClick=${() => zoom(nextSpan(span, -1))} disabled=${span <= SPANS[0]}
        aria-label="Zoom in">+ Zoom in</button>
      <button type="button" onClick=${() => zoom(nextSpan(span, 1))}
        disabled=${span >= SPANS[SPANS.length - 1]} aria-label="Zoom out">− Zoom out</button>
      ${PRESETS.map((p) => html`<button type="button" key=${p.label} class="recordings-preset"
        aria-pressed=${span === p.span ? 'true' : 'false'} aria-label=${`Show ${p.label}`}
        onClick=${() => zoom(p.span)}>${p.label}</button>`)}
      <button type="button" onClick=${onRefresh}>Refresh</button>
    </div>
  </div>`;
}

// The bar: blocks, gridlines, the selection; drag to select, a block's button selects its range.
function Bar({ win, ranges, selection, onSelect }) {
  const bar = useRef(null);
  const drag = useRef(null);
  const width = useWidth(bar);
  const span = win.to - win.from;
  const now = Date.now();
  const x = (t) => (t - win.from) / span;
  const timeAt = (clientX) => {
    const rect = bar.current.getBoundingClientRect();
    const f = Math.max(0, Math.min(1, (clientX - rect.left) / rect.width));
    return Math.round((win.from + f * span) / SEC) * SEC;
  };
  const wholeRange = (r) => onSelect({ start: floorSec(r.start), end: ceilSec(r.end) });
  const down = (e) => {
    if (e.button !== 0) return;
    e.preventDefault();
    const block = e.target.closest('.recordings-block');
    drag.current = { x0: e.clientX, t0: timeAt(e.clientX), moved: false, block };
    bar.current.setPointerCapture(e.pointerId);
  };
  const move = (e) => {
    const d = drag.current;
    if (!d) return;
    if (Math.abs(e.clientX - d.x0) > 3) d.moved = true;
    if (!d.moved) return;
    const t = timeAt(e.clientX);
    onSelect({ start: Math.min(d.t0, t), end: Math.max(d.t0, t) });
  };
  const up = (e) => {
    const d = drag.current;
    drag.current = null;
    if (!d) return;
    if (d.moved) move(e);
    else if (d.block) wholeRange(ranges[Number(d.block.dataset.index)]);
  };
  const shown = ranges.map((r, i) => [r, i]).filter(([r]) => r.end > win.from && r.start < win.to);
  const marks = ticks(win.from, win.to, Math.max(2, Math.floor(width / TICK_PX)));
  const beyond = now - RETENTION_MS - win.from;
  const sel = selection && selection.end > win.from && selection.start < win.to ? selection : null;
  const place = (s, e) => {
    const [a, b] = [x(Math.max(s, win.from)), x(Math.min(e, win.to))];
    return { left: percent(a), width: percent(b - a) };
  };
  return html`<div class="recordings-timeline">
    <div class="recordings-bar" ref=${bar} data-from=${apiTime(win.from)} data-to=${apiTime(win.to)}
      role="group" aria-label="Timeline: drag across it to select a range"
      onPointerDown=${down} onPointerMove=${move} onPointerUp=${up}
      onPointerCancel=${() => { drag.current = null; }}>
      ${marks.map((m) => html`<span key=${`g${m.at}`} class="recordings-gridline"
        style=${{ left: percent(x(m.at)) }}></span>`)}
      ${beyond > 0 && html`<span class="recordings-beyond" style=${place(win.from, win.from + beyond)}
        title="Older than the slice retention (90 days by default): not asked"></span>`}
      ${shown.map(([r, i]) => html`<button type="button" key=${`${r.start}-${r.bucket}`}
        class="recordings-block" data-index=${i} style=${place(r.start, r.end)}
        title=${rangeTitle(r)} aria-label=${`${rangeText(r)}: select it`}
        onClick=${(e) => { if (e.detail === 0) wholeRange(r); }}></button>`)}
      ${sel && html`<span class="recordings-sel" style=${place(sel.start, sel.end)}></span>`}
    </div>
    <div class="recordings-ticks" aria-hidden="true">
      ${marks.map((m) => {
        // A label too close to an edge to be centred on its mark is left out (its gridline stays).
        const at = x(m.at);
        if (at * width < TICK_PX / 2 || (1 - at) * width < TICK_PX / 2) return null;
        return html`<span key=${m.at} class="recordings-tick" style=${{ left: percent(at) }}
          title=${`${apiTime(m.at)} (UTC)`}>${m.label}</span>`;
      })}
    </div>
  </div>`;
}

const CONTENT_WORDS = {
  'InvalidStream.NotFound': 'This stream has never published on this domain: check the names.',
  'InvalidStartTime.Mismatch': 'The window goes back further than the server keeps its slice index '
    + '(its slice retention): move it later.',
};

// An error of DescribeLiveStreamRecordContent in words, with the API's code and message.
function contentErrorText(err) {
  const words = err instanceof ApiError && CONTENT_WORDS[err.code];
  return words ? `${words} (${err.message})` : err.message;
}

function Summary({ win, content }) {
  const inWindow = content.ranges.filter((r) => r.end > win.from && r.start < win.to);
  const total = inWindow.reduce((sum, r) => sum + Math.min(r.end, win.to) - Math.max(r.start, win.from), 0);
  if (content.loading) return html`<${Busy} text="Asking what was recorded in this window…" />`;
  if (content.error) return html`<${ErrorText} error=${contentErrorText(content.error)} />`;
  if (inWindow.length === 0) {
    return html`<p class="status recordings-summary" role="status">Nothing recorded in this window.
      ${' '}“Latest recording” looks back for the last one.</p>`;
  }
  return html`<p class="status recordings-summary" role="status">${inWindow.length} recorded
    ${inWindow.length === 1 ? ' range' : ' ranges'} in this window, ${formatDuration(total)} in all.
    Drag across the bar (or use a block's button, or the times below) to select.</p>`;
}

// The whole timeline: controls, the window's label, the bar and what was found.
export function Timeline({ win, content, selection, onSelect, onWindow, notice }) {
  const [finding, setFinding] = useState(false);
  const [latestNote, setLatestNote] = useState('');
  const edge = latestEdge(content.ranges, Date.now());
  const latest = async () => {
    setFinding(true);
    setLatestNote('');
    try {
      const r = await content.findLatest();
      if (r) onWindow(windowAround(r));
      else setLatestNote('Nothing was recorded in the last 90 days.');
    } catch (err) {
      setLatestNote(err.message);
    } finally {
      setFinding(false);
    }
  };
  return html`<div class="recordings-timeline-box">
    <${Controls} win=${win} selection=${selection} edge=${edge} onWindow=${onWindow}
      onLatest=${latest} onRefresh=${content.refresh} finding=${finding} />
    <p class="recordings-window" aria-live="polite">
      <span class="visually-hidden">Shown: </span><${Time} value=${win.from} />
      ${' – '}<${Time} value=${win.to} />
      ${' '}<span class="recordings-span">(${formatDuration(win.to - win.from)})</span>
    </p>
    <${Bar} win=${win} ranges=${content.ranges} selection=${selection} onSelect=${onSelect} />
    ${finding ? html`<${Busy} text="Looking back for the latest recording…" />`
      : html`<${Summary} win=${win} content=${content} />`}
    ${latestNote && html`<p class="status" role="status">${latestNote}</p>`}
    ${notice}
  </div>`;
}
