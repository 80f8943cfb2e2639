// The Live screen: the streams on air on a domain (DescribeLiveStreamsOnlineList, every node of a
// cluster), refreshed every few seconds, with codec, resolution, frame rate, bitrate, since when,
// whether it is being recorded (RecordStatus) and, where snapshots are configured, the latest
// snapshot (live_snapshot.js); each with Watch (watch.js) and the actions of live_actions.js
// (manual recording, forbid), and the domain's forbidden streams with Resume. The domain is picked
// from the account's (DescribeLiveUserDomains) or typed, and remembered in this browser (not a
// secret).
import { html, useState, useEffect } from '../vendor/preact-htm.js';
import { callApi } from './api.js';
import { useDomain, DomainPicker } from './domains.js';
import { watchHash } from './watch.js';
import { recordingsHash } from './recordings.js';
import { StreamActions, BlockList } from './live_actions.js';
import { useSnapshotApps, hasSnapshots, Snapshot } from './live_snapshot.js';

const REFRESH_MS = 3000;
// How long the state a Record / Stop recording answered is shown over an older list (a stream on
// another node reports its change within about a second).
const EXPECTED_MS = 10000;

// FLV codec ids, as the API answers them.
const VIDEO_CODECS = { 7: 'H.264', 12: 'HEVC' };
const AUDIO_CODECS = { 2: 'MP3', 10: 'AAC' };

function codecs(s) {
  const video = VIDEO_CODECS[s.VideoCodecId] || (s.VideoCodecId ? `video ${s.VideoCodecId}` : 'no video');
  const audio = AUDIO_CODECS[s.AudioCodecId] || (s.AudioCodecId ? `audio ${s.AudioCodecId}` : 'no audio');
  return `${video} / ${audio}`;
}

function since(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

// RecordStatus in words; the dot is decoration.
function RecordState({ status }) {
  if (status === 'recording') {
    return html`<span class="live-rec-on"><span aria-hidden="true">● </span>recording</span>`;
  }
  if (status === 'stopped') {
    return html`<span class="live-rec-off"
      title="Stopped by Stop recording: its files wait DelayTime">stopped</span>`;
  }
  if (status === 'idle') return html`<span class="live-rec-off">not recording</span>`;
  return html`<span class="live-rec-off" title="The node of this stream does not say">unknown</span>`;
}

const keyOf = (s) => `${s.AppName}/${s.StreamName}`;

// The states answered by commands, dropped once the list says the same or after EXPECTED_MS.
function settle(expected, streams) {
  const now = Date.now();
  const listed = new Map(streams.map((s) => [keyOf(s), s.RecordStatus]));
  const kept = {};
  for (const [key, e] of Object.entries(expected)) {
    if (now - e.at < EXPECTED_MS && listed.get(key) !== e.status) kept[key] = e;
  }
  return Object.keys(kept).length === Object.keys(expected).length ? expected : kept;
}

function StreamRow({ session, domain, stream, status, snapshots, onChanged, onRecorded }) {
  return html`<tr>
    <td>${stream.AppName}</td>
    <td class="stream-name">${stream.StreamName}</td>
    <td>${codecs(stream)}</td>
    <td>${stream.Width && stream.Height ? `${stream.Width}×${stream.Height}` : '—'}</td>
    <td>${stream.FrameRate ? Math.round(stream.FrameRate) : '—'}</td>
    <td>${Math.round((stream.VideoDataRate || 0) + (stream.AudioDataRate || 0))} kbit/s</td>
    <td title=${stream.PublishTime}>${since(stream.PublishTime)}</td>
    <td class="live-record"><${RecordState} status=${status} /></td>
    ${snapshots && html`<td class="live-snapshot-cell">${hasSnapshots(snapshots, stream.AppName)
      && html`<${Snapshot} session=${session} domain=${domain} app=${stream.AppName}
        stream=${stream.StreamName} />`}</td>`}
    <td class="live-buttons"><a class="button" href=${watchHash(domain, stream.AppName, stream.StreamName)}
      aria-label=${`Watch ${stream.AppName}/${stream.StreamName}`}>Watch</a>
      <a class="button" href=${recordingsHash(domain, stream.AppName, stream.StreamName)}
        aria-label=${`Recordings of ${stream.AppName}/${stream.StreamName}`}>Recordings</a>
      <${StreamActions} session=${session} domain=${domain} stream=${stream} onChanged=${onChanged}
        onRecorded=${onRecorded} /></td>
  </tr>`;
}

export function Live({ session, onError }) {
  const [domain, pickDomain, known] = useDomain(session, onError);
  const [streams, setStreams] = useState(null);
  const [error, setError] = useState('');
  const [blocked, setBlocked] = useState(0);  // bumped when a stream is forbidden
  const [expected, setExpected] = useState({});  // by app/stream: {status, at}
  const [again, setAgain] = useState(0);  // bumped to load the list now
  const snapshotApps = useSnapshotApps(session, domain);

  useEffect(() => {
    if (!domain) return undefined;
    let stopped = false;
    let timer;
    const load = async () => {
      try {
        const body = await callApi(session, 'DescribeLiveStreamsOnlineList',
          { DomainName: domain, PageSize: '100' });
        if (stopped) return;
        const list = body.OnlineInfo?.LiveStreamOnlineInfo || [];
        setExpected((old) => settle(old, list));
        setStreams(list);
        setError('');
      } catch (err) {
        if (stopped) return;
        setError(err.message);
        onError(err);
      }
      if (!stopped) timer = setTimeout(load, REFRESH_MS);
    };
    load();
    return () => { stopped = true; clearTimeout(timer); };
  }, [domain, session, again]);

  const pick = (name) => {
    if (name === domain) return;
    setStreams(null);
    setExpected({});
    pickDomain(name);
  };
  const recorded = (stream, status) => {
    setExpected((old) => ({ ...old, [keyOf(stream)]: { status, at: Date.now() } }));
    setAgain((n) => n + 1);
  };
  const withSnapshots = streams && streams.some((s) => hasSnapshots(snapshotApps, s.AppName));

  return html`<section aria-labelledby="live-title">
    <h2 id="live-title">Live</h2>
    <${DomainPicker} id="live" domain=${domain} known=${known} onPick=${pick} />
    ${error && html`<p class="error" role="alert">${error}</p>`}
    ${domain && streams === null && !error && html`<p class="status" role="status">Loading streams…</p>`}
    ${streams && streams.length === 0 && html`<p class="status">No stream is on air on ${domain}.</p>`}
    ${streams && streams.length > 0 && html`<table class="streams">
      <caption>${streams.length} on air on ${domain}</caption>
      <thead><tr><th>App</th><th>Stream</th><th>Codecs</th><th>Resolution</th><th>fps</th>
        <th>Bitrate</th><th>Since</th><th>Recording</th>${withSnapshots && html`<th>Snapshot</th>`}
        <th><span class="visually-hidden">Actions</span></th></tr></thead>
      <tbody>${streams.map((s) => html`<${StreamRow} key=${keyOf(s)} session=${session} domain=${domain}
        stream=${s} status=${expected[keyOf(s)]?.status || s.RecordStatus}
        snapshots=${withSnapshots ? snapshotApps : null}
        onChanged=${() => setBlocked(blocked + 1)} onRecorded=${(status) => recorded(s, status)} />`)}</tbody>
    </table>`}
    ${domain && html`<${BlockList} session=${session} domain=${domain} tick=${blocked} onError=${onError} />`}
  </section>`;
}
