// Watch now: a stream being recorded plays a slice behind live and can be scrubbed back over
// what was recorded since its publish began (its watch playlist, docs/api/watch.md, an EVENT
// playlist that grows as slices are stored). DescribeLiveStreamWatchUrl gives the signed URL,
// which any HLS player can play too (copy it). Reached from the Live screen's Watch buttons as
// #watch/<domain>/<app>/<stream>, or by typing the names.
import { html, useState, useEffect } from '../vendor/preact-htm.js';
import { callApi, ApiError } from './api.js';
import { Player } from './player.js';
import { ErrorText, Busy, Time } from './ui.js';

const RETRY_MS = 2000;

// [domain, app, stream] from the URL's #watch/... fragment.
function namesOfHash() {
  const parts = location.hash.replace(/^#/, '').split('/').slice(1).map(decodeURIComponent);
  return [parts[0] || '', parts.slice(1, -1).join('/') || '', parts.length > 2 ? parts[parts.length - 1] : ''];
}

export function watchHash(domain, app, stream) {
  return `#watch/${[domain, ...app.split('/'), stream].map(encodeURIComponent).join('/')}`;
}

function CopyUrl({ url }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(url);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  return html`<div class="watch-url">
    <label for="watch-url">Playlist URL (any HLS player; it carries its own token)</label>
    <div class="watch-url-row">
      <input id="watch-url" readonly value=${url} onFocus=${(e) => e.target.select()} />
      <button type="button" onClick=${copy}>${copied ? 'Copied' : 'Copy'}</button>
    </div>
  </div>`;
}

export function Watch({ session, onError }) {
  const [initial] = useState(namesOfHash);
  const [form, setForm] = useState({ domain: initial[0], app: initial[1], stream: initial[2] });
  const [target, setTarget] = useState(initial[2] ? { ...form } : null);
  const [watch, setWatch] = useState(null);  // the API's answer
  const [waiting, setWaiting] = useState('');
  const [error, setError] = useState(null);
  const [generation, setGeneration] = useState(0);  // bumped to fetch a fresh URL

  useEffect(() => {
    if (!target) return undefined;
    let stopped = false;
    let timer;
    const mint = async () => {
      try {
        const params = { DomainName: target.domain, AppName: target.app, StreamName: target.stream };
        if (watch && watch.StartTime) params.StartTime = watch.StartTime;
        const body = await callApi(session, 'DescribeLiveStreamWatchUrl', params);
        if (stopped) return;
        setWatch(body);
        setWaiting('');
        setError(null);
      } catch (err) {
        if (stopped) return;
        if (err instanceof ApiError && err.code === 'NoRecordContent') {
          // Published but no slice stored yet: the first one closes after a SliceDuration.
          setWaiting('Waiting for the first recorded slice…');
          timer = setTimeout(mint, RETRY_MS);
          return;
        }
        setError(err);
        onError(err);
      }
    };
    mint();
    return () => { stopped = true; clearTimeout(timer); };
  }, [target, generation]);

  const submit = (event) => {
    event.preventDefault();
    const next = { domain: form.domain.trim(), app: form.app.trim(), stream: form.stream.trim() };
    history.replaceState(null, '', watchHash(next.domain, next.app, next.stream));
    setWatch(null);
    setTarget(next);
  };
  const field = (name, label, placeholder) => html`<span class="field">
    <label for=${`watch-${name}`}>${label}</label>
    <input id=${`watch-${name}`} required placeholder=${placeholder} value=${form[name]}
      onInput=${(e) => setForm({ ...form, [name]: e.target.value })} />
  </span>`;

  return html`<section aria-labelledby="watch-title">
    <h2 id="watch-title">Watch now</h2>
    <form class="inline watch-form" onSubmit=${submit}>
      ${field('domain', 'Domain', 'live.example.com')}
      ${field('app', 'App', 'live')}
      ${field('stream', 'Stream', 'cam1')}
      <button type="submit">Watch</button>
    </form>
    <${ErrorText} error=${error} />
    ${waiting && html`<${Busy} text=${waiting} />`}
    ${target && !watch && !waiting && !error && html`<${Busy} text="Asking for the stream's playlist…" />`}
    ${watch && html`<div class="watch">
      <p class="status">${target.domain}/${target.app}/${target.stream}: recorded from
        ${' '}<${Time} value=${watch.StartTime} />, a slice behind live. Scrub back with the
        player's bar; the playlist runs until <${Time} value=${watch.EndTime} />.</p>
      <${Player} src=${watch.WatchUrl} live=${true}
        label=${`${target.app}/${target.stream}, recorded, a slice behind live`}
        onFatal=${(data) => { if (data.response && data.response.code === 403) setGeneration((g) => g + 1); }} />
      <${CopyUrl} url=${watch.WatchUrl} />
    </div>`}
  </section>`;
}
