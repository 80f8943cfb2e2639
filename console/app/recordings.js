// Recordings: what a stream recorded, on a timeline zoomable from days to minutes
// (DescribeLiveStreamRecordContent, asked for the shown window only: recordings_timeline.js);
// a range selected on it (drag, or typed times) becomes a clip — an M3U8 index file made by
// CreateLiveStreamRecordIndexFiles — that plays at once and can be copied (recordings_clip.js);
// the stream's index files (DescribeLiveStreamRecordIndexFiles) and MP4/FLV files
// (DescribeLiveStreamRecordFiles) of the window play or download (recordings_files.js).
// Reached as #recordings/<domain>/<app>/<stream> (recordingsHash) or by typing the names; the
// domain is remembered like every screen's, the app and stream in `liverec.console.recordings`.
import { html, useState, useEffect, useRef } from '../vendor/preact-htm.js';
import { callApi } from './api.js';
import { useDomain, DomainPicker } from './domains.js';
import { Player } from './player.js';
import { Timeline, useRecordContent, defaultWindow, windowAround } from './recordings_timeline.js';
import { ClipPanel, ClipResult } from './recordings_clip.js';
import { RecordingFiles } from './recordings_files.js';

const STORE_KEY = 'liverec.console.recordings';

export function recordingsHash(domain, app, stream) {
  return `#recordings/${[domain, ...app.split('/'), stream].map(encodeURIComponent).join('/')}`;
}

// [domain, app, stream] from the URL's #recordings/... fragment ('' where missing).
function namesOfHash() {
  const parts = location.hash.replace(/^#/, '').split('/');
  if (parts[0] !== 'recordings') return ['', '', ''];
  const names = parts.slice(1).map(decodeURIComponent);
  return [names[0] || '', names.slice(1, -1).join('/'), names.length > 2 ? names[names.length - 1] : ''];
}

// The stream a #recordings/<domain>/<app>/<stream> link names, or null.
function linkOfHash() {
  const [domain, app, stream] = namesOfHash();
  return domain && stream ? { domain, app, stream } : null;
}

function remembered() {
  try {
    const saved = JSON.parse(localStorage.getItem(STORE_KEY) || '{}');
    return { app: String(saved.app || 'live'), stream: String(saved.stream || '') };
  } catch {
    return { app: 'live', stream: '' };
  }
}

function remember(app, stream) {
  localStorage.setItem(STORE_KEY, JSON.stringify({ app, stream }));
}

function StreamForm({ form, setForm, onOpen }) {
  const submit = (event) => {
    event.preventDefault();
    onOpen(form.app.trim(), form.stream.trim());
  };
  const field = (name, label, placeholder) => html`<span class="recordings-name-field">
    <label for=${`recordings-${name}`}>${label}</label>
    <input id=${`recordings-${name}`} required placeholder=${placeholder} value=${form[name]}
      onInput=${(e) => setForm({ ...form, [name]: e.target.value })} />
  </span>`;
  return html`<form class="inline recordings-stream-form" onSubmit=${submit}>
    ${field('app', 'App', 'live')}
    ${field('stream', 'Stream', 'cam1')}
    <button type="submit">Show recordings</button>
  </form>`;
}

// What plays: an index file (hls.js) or an MP4 file (the browser's own player).
function Playing({ session, target, playing, setPlaying }) {
  const box = useRef(null);
  useEffect(() => {
    if (playing && box.current?.scrollIntoView) box.current.scrollIntoView({ block: 'nearest' });
  }, [playing]);
  if (!playing) return null;
  // A signed URL that expired (403): ask for the index file again, once.
  const onFatal = async (data) => {
    if (!(data.response && data.response.code === 403) || !playing.recordId || playing.refreshed) return;
    try {
      const body = await callApi(session, 'DescribeLiveStreamRecordIndexFile', {
        DomainName: target.domain, AppName: target.app, StreamName: target.stream, RecordId: playing.recordId,
      });
      setPlaying({ ...playing, url: body.RecordIndexInfo.RecordUrl, refreshed: true });
    } catch {
      // The player already says it stopped.
    }
  };
  return html`<div class="recordings-playing" ref=${box}>
    <h3 id="recordings-playing-title">Playing: ${playing.label}</h3>
    ${playing.kind === 'mp4'
      ? html`<div class="player"><video key=${playing.url} src=${playing.url} controls muted playsinline
          autoplay aria-label=${playing.label}></video></div>`
      : html`<${Player} src=${playing.url} label=${playing.label} onFatal=${onFatal} />`}
  </div>`;
}

export function Recordings({ session, onError }) {
  const [domain, pickDomain, known] = useDomain(session, onError);
  const [linked] = useState(linkOfHash);
  const [form, setForm] = useState(() => (linked ? { app: linked.app, stream: linked.stream }
    : remembered()));
  const [target, setTarget] = useState(linked);
  const [win, setWin] = useState(defaultWindow);
  const [selection, setSelection] = useState(null);
  const [clip, setClip] = useState(null);
  const [playing, setPlaying] = useState(null);
  const [filesGeneration, setFilesGeneration] = useState(0);
  const [formError, setFormError] = useState('');
  const content = useRecordContent(session, target, win, onError);
  // Nothing more to show of a stream that never published (the timeline says so).
  const unknownStream = content.error?.code === 'InvalidStream.NotFound';

  const open = (next) => {
    history.replaceState(null, '', recordingsHash(next.domain, next.app, next.stream));
    remember(next.app, next.stream);
    setTarget(next);
    setWin(defaultWindow());
    setSelection(null);
    setClip(null);
    setPlaying(null);
    setFormError('');
  };
  useEffect(() => {
    if (linked) {
      pickDomain(linked.domain);
      remember(linked.app, linked.stream);
    }
    // A link to another stream while this screen is shown.
    const follow = () => {
      const link = linkOfHash();
      if (!link) return;
      pickDomain(link.domain);
      setForm({ app: link.app, stream: link.stream });
      open(link);
    };
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);

  const onPickDomain = (name) => {
    if (!name) return;
    pickDomain(name);
    const [app, stream] = [form.app.trim(), form.stream.trim()];
    if (app && stream) open({ domain: name, app, stream });
  };
  // The domain typed in the picker counts even if its Show button was not pressed.
  const onOpen = (app, stream) => {
    const typed = (document.getElementById('recordings-domain')?.value || '').trim();
    if (!typed && !domain) {
      setFormError('Type or pick a domain first.');
      return;
    }
    if (typed && typed !== domain) pickDomain(typed);
    open({ domain: typed || domain, app, stream });
  };
  // A typed selection off the window moves the window onto it.
  const select = (sel) => {
    setSelection(sel);
    if (sel && sel.end > sel.start && (sel.start < win.from || sel.end > win.to)) {
      setWin(windowAround(sel));
    }
  };
  const onClip = (info) => {
    setClip(info);
    setPlaying({ kind: 'hls', url: info.RecordUrl, label: 'the new clip', recordId: info.RecordId });
    setFilesGeneration((g) => g + 1);
  };

  return html`<section aria-labelledby="recordings-title" class="recordings">
    <h2 id="recordings-title">Recordings</h2>
    <${DomainPicker} id="recordings" domain=${target ? target.domain : domain} known=${known}
      onPick=${onPickDomain} />
    <${StreamForm} form=${form} setForm=${setForm} onOpen=${onOpen} />
    ${formError && html`<p class="error" role="alert">${formError}</p>`}
    ${!target && html`<p class="status">Type the stream’s app and name, then Show recordings.</p>`}
    ${target && html`<div class="recordings-body">
      <h3 class="recordings-heading">${target.domain}/${target.app}/${target.stream}: timeline</h3>
      <${Timeline} win=${win} content=${content} selection=${selection} onSelect=${setSelection}
        onWindow=${setWin} />
      ${!unknownStream && html`<h3>Selection and clip</h3>
      <${ClipPanel} session=${session} target=${target} selection=${selection} ranges=${content.ranges}
        onSelect=${select} onClip=${onClip} onError=${onError} />
      ${clip && html`<${ClipResult} clip=${clip} />`}
      <${Playing} session=${session} target=${target} playing=${playing} setPlaying=${setPlaying} />
      <h3>Files of the stream</h3>
      <${RecordingFiles} session=${session} target=${target} win=${win} generation=${filesGeneration}
        onPlay=${setPlaying} onError=${onError} />`}
    </div>`}
  </section>`;
}
