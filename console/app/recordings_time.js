// The Recordings screen's time arithmetic (recordings.js): the timeline's zoom ladder and presets,
// its tick marks in the browser's zone, durations in words, datetime-local values, and how a
// visible window is split into DescribeLiveStreamRecordContent calls of at most 4 days that skip
// what is already known (docs/api/record-index.md). No markup here.

export const SEC = 1000;
export const MIN = 60 * SEC;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;

// The API's limits: a range of at most 4 days per call, StartTime within the slice retention
// (90 days by default; asked a little inside it, since the server's clock may be ahead).
export const MAX_CALL_MS = 4 * DAY;
export const RETENTION_MS = 90 * DAY;
const RETENTION_MARGIN_MS = HOUR;
// What the server may still store after a call: re-asked when shown again (clocks may differ).
const FRESH_MS = 2 * MIN;

// The zoom ladder, from minutes to days, and the preset buttons.
export const SPANS = [MIN, 2 * MIN, 5 * MIN, 10 * MIN, 30 * MIN, HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR,
  DAY, 2 * DAY, 4 * DAY, 7 * DAY, 14 * DAY];
export const PRESETS = [
  { label: '7 d', span: 7 * DAY }, { label: '1 d', span: DAY }, { label: '1 h', span: HOUR },
  { label: '10 min', span: 10 * MIN },
];

export const floorSec = (ms) => Math.floor(ms / SEC) * SEC;
export const ceilSec = (ms) => Math.ceil(ms / SEC) * SEC;
export const ceilMin = (ms) => Math.ceil(ms / MIN) * MIN;

// The oldest instant the API lets a call start at.
export function oldestAllowed(now = Date.now()) {
  return ceilSec(now - RETENTION_MS + RETENTION_MARGIN_MS);
}

// "2 d 3 h", "1 h 5 min", "20 s", "1 min 5 s": two units at most.
export function formatDuration(ms) {
  const units = [['d', DAY], ['h', HOUR], ['min', MIN], ['s', SEC]];
  let rest = Math.max(0, Math.round(ms / SEC) * SEC);
  if (rest === 0) return '0 s';
  const parts = [];
  for (const [name, size] of units) {
    if (rest >= size && parts.length < 2) {
      parts.push(`${Math.floor(rest / size)} ${name}`);
      rest %= size;
    } else if (parts.length > 0) {
      break;
    }
  }
  return parts.join(' ');
}

// The next span of the ladder up (+1) or down (-1) from `span`.
export function nextSpan(span, direction) {
  if (direction > 0) return SPANS.find((s) => s > span) || SPANS[SPANS.length - 1];
  return [...SPANS].reverse().find((s) => s < span) || SPANS[0];
}

const pad = (n) => String(n).padStart(2, '0');

// Epoch ms as a datetime-local value (browser's zone, to the second), and back (NaN if invalid).
export function toLocalInput(ms) {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:`
    + `${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function fromLocalInput(text) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(text || '');
  if (!m) return NaN;
  return new Date(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] || 0)).getTime();
}

// Tick steps, and the tick marks of [from, to] in the browser's zone: at most `maxLabels`, on
// round local times (midnight shows the date).
const STEPS = [SEC, 5 * SEC, 10 * SEC, 15 * SEC, 30 * SEC, MIN, 2 * MIN, 5 * MIN, 10 * MIN, 15 * MIN,
  30 * MIN, HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY, 14 * DAY];

function tickLabel(date, step) {
  const midnight = date.getHours() === 0 && date.getMinutes() === 0 && date.getSeconds() === 0;
  if (step >= DAY || midnight) return date.toLocaleDateString([], { month: 'short', day: 'numeric' });
  if (step < MIN) {
    return date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  }
  return date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

// The date of tick `k` counted from the local midnight of `start`: hour steps follow the local
// clock (across a DST change too), shorter ones count from midnight.
function tickDate(start, step, k) {
  const [y, mo, d] = [start.getFullYear(), start.getMonth(), start.getDate()];
  if (step >= DAY) return new Date(y, mo, d + k * (step / DAY));
  if (step >= HOUR) return new Date(y, mo, d, k * (step / HOUR));
  return new Date(new Date(y, mo, d).getTime() + k * step);
}

export function ticks(from, to, maxLabels) {
  const span = to - from;
  if (!(span > 0)) return [];
  const step = STEPS.find((s) => span / s <= Math.max(1, maxLabels)) || STEPS[STEPS.length - 1];
  const start = new Date(from);
  const base = tickDate(start, step, 0).getTime();
  const out = [];
  let k = Math.max(0, Math.floor((from - base) / step) - 1);
  for (let guard = 0; guard < 200; guard += 1, k += 1) {
    const date = tickDate(start, step, k);
    const t = date.getTime();
    if (t > to) break;
    if (t >= from) out.push({ at: t, label: tickLabel(date, step) });
  }
  return out;
}

// Covered intervals ([start, end] pairs, sorted, disjoint) plus [s, e].
export function addCovered(covered, s, e) {
  if (!(e > s)) return covered;
  const all = [...covered, [s, e]].sort((a, b) => a[0] - b[0]);
  const out = [];
  for (const [a, b] of all) {
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

// [lo, hi] minus the covered intervals.
function uncovered(lo, hi, covered) {
  const out = [];
  let at = lo;
  for (const [a, b] of covered) {
    if (b <= at) continue;
    if (a >= hi) break;
    if (a > at) out.push([at, a]);
    at = Math.max(at, b);
  }
  if (at < hi) out.push([at, hi]);
  return out;
}

function chunk([s, e]) {
  const out = [];
  for (let at = s; at < e; at += MAX_CALL_MS) out.push([at, Math.min(e, at + MAX_CALL_MS)]);
  return out;
}

// The calls (whole-second [start, end] pairs, each at most 4 days) that ask for what [from, to]
// shows and `covered` does not hold: never more than the window itself would take.
export function callsFor(from, to, covered, now = Date.now()) {
  const lo = Math.max(floorSec(from), oldestAllowed(now));
  const hi = ceilSec(to);
  if (hi - lo < SEC) return [];
  const pieces = uncovered(lo, hi, covered)
    .map(([s, e]) => [floorSec(s), ceilSec(e)]).filter(([s, e]) => e - s >= SEC);
  if (pieces.length === 0) return [];
  const calls = pieces.flatMap(chunk);
  const limit = Math.ceil((hi - lo) / MAX_CALL_MS);
  if (calls.length <= limit) return calls;
  return chunk([pieces[0][0], pieces[pieces.length - 1][1]]);
}

// What a call made at `askedAt` for [s, e] tells for good: the part before what may still come.
export function settledPart(s, e, askedAt) {
  return [s, Math.min(e, askedAt - FRESH_MS)];
}

// Ranges of recorded content ({start, end, endpoint, bucket, duration}) merged as the API merges
// them: touching (within 100 ms) or overlapping ranges of the same bucket are one.
export function mergeRanges(ranges) {
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  const out = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    const same = last && last.endpoint === r.endpoint && last.bucket === r.bucket;
    if (same && r.start <= last.end + 100) {
      if (r.end > last.end) {
        const added = r.start >= last.end ? r.duration : Math.max(0, (r.end - last.end) / SEC);
        last.duration += added;
        last.end = r.end;
      }
    } else {
      out.push({ ...r });
    }
  }
  return out;
}

// A content range of the API's answer in epoch ms.
export function rangeOf(info) {
  return {
    start: Date.parse(info.StartTime), end: Date.parse(info.EndTime), endpoint: info.OssEndpoint,
    bucket: info.OssBucket, duration: Number(info.Duration) || 0,
  };
}
