// The Live screen: the streams on air on a domain (DescribeLiveStreamsOnlineList, every node of a
// cluster), refreshed every few seconds, with codec, resolution, frame rate, bitrate and since
// when; each with Watch (watch.js) and the actions of live_actions.js (manual recording, forbid),
// and the domain's forbidden streams with Resume. The domain is picked from the account's
// (DescribeLiveUserDomains) or typed, and remembered in this browser (not a secret).
import { html, useState, useEffect } from '../vendor/preact-htm.js';
import { callApi } from './api.js';
import { useDomain, DomainPicker } from './domains.js';
import { watchHash } from './watch.js';
import { recordingsHash } from './recordings.js';
import { StreamActions, BlockList } from './live_actions.js';

const REFRESH_MS = 3000;

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

function StreamRow({ session, domain, stream, onChanged }) {
  return html`<tr>
    <td>${stream.AppName}</td>
    <td class="stream-name">${stream.StreamName}</td>
    <td>${codecs(stream)}</td>
    <td>${stream.Width && stream.Height ? `${stream.Width}×${stream.Height}` : '—'}</td>
    <td>${stream.FrameRate ? Math.round(stream.FrameRate) : '—'}</td>
    <td>${Math.round((stream.VideoDataRate || 0) + (stream.AudioDataRate || 0))} kbit/s</td>
    <td title=${stream.PublishTime}>${since(stream.PublishTime)}</td>
    <td class="live-buttons"><a class="button" href=${watchHash(domain, stream.AppName, stream.StreamName)}
      aria-label=${`Watch ${stream.AppName}/${stream.StreamName}`}>Watch</a>
      <a class="button" href=${recordingsHash(domain, stream.AppName, stream.StreamName)}
        aria-label=${`Recordings of ${stream.AppName}/${stream.StreamName}`}>Recordings</a>
      <${StreamActions} session=${session} domain=${domain} stream=${stream} onChanged=${onChanged} /></td>
  </tr>`;
}

export function Live({ session, onError }) {
  const [domain, pickDomain, known] = useDomain(session, onError);
  const [streams, setStreams] = useState(null);
  const [error, setError] = useState('');
  const [blocked, setBlocked] = useState(0);  // bumped when a stream is forbidden

  useEffect(() => {
    if (!domain) return undefined;
    let stopped = false;
    let timer;
    const load = async () => {
      try {
        const body = await callApi(session, 'DescribeLiveStreamsOnlineList',
          { DomainName: domain, PageSize: '100' });
        if (stopped) return;
        setStreams(body.OnlineInfo?.LiveStreamOnlineInfo || []);
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
  }, [domain, session]);

  const pick = (name) => {
    if (name === domain) return;
    setStreams(null);
    pickDomain(name);
  };

  return html`<section aria-labelledby="live-title">
    <h2 id="live-title">Live</h2>
    <${DomainPicker} id="live" domain=${domain} known=${known} onPick=${pick} />
    ${error && html`<p class="error" role="alert">${error}</p>`}
    ${domain && streams === null && !error && html`<p class="status" role="status">Loading streams…</p>`}
    ${streams && streams.length === 0 && html`<p class="status">No stream is on air on ${domain}.</p>`}
    ${streams && streams.length > 0 && html`<table class="streams">
      <caption>${streams.length} on air on ${domain}</caption>
      <thead><tr><th>App</th><th>Stream</th><th>Codecs</th><th>Resolution</th><th>fps</th>
        <th>Bitrate</th><th>Since</th><th><span class="visually-hidden">Actions</span></th></tr></thead>
      <tbody>${streams.map((s) => html`<${StreamRow} key=${`${s.AppName}/${s.StreamName}`} session=${session} domain=${domain} stream=${s}
        onChanged=${() => setBlocked(blocked + 1)} />`)}</tbody>
    </table>`}
    ${domain && html`<${BlockList} session=${session} domain=${domain} tick=${blocked} onError=${onError} />`}
  </section>`;
}
