// The Live screen's actions on a stream: start and stop a manual recording
// (RealTimeRecordCommand), forbid its publisher (ForbidLiveStream, until resumed) — and the
// domain's forbidden streams with Resume (DescribeLiveStreamsBlockList, ResumeLiveStream).
// Every answer, success or error, is said in words next to the buttons.
import { html, useState, useEffect } from '../vendor/preact-htm.js';
import { callApi } from './api.js';
import { Busy } from './ui.js';

// Buttons for one live stream; `onChanged` after a forbid (the row leaves the list), `onRecorded`
// with the recording state a Record / Stop recording that succeeded leaves ('recording', 'stopped').
export function StreamActions({ session, domain, stream, onChanged, onRecorded }) {
  const [busy, setBusy] = useState('');
  const [said, setSaid] = useState(null);  // {ok, text}
  const names = { DomainName: domain, AppName: stream.AppName, StreamName: stream.StreamName };
  const run = async (label, action, params, done) => {
    setBusy(label);
    setSaid(null);
    try {
      await callApi(session, action, { ...names, ...params });
      setSaid({ ok: true, text: done });
      if (action === 'ForbidLiveStream' && onChanged) onChanged();
      if (action === 'RealTimeRecordCommand' && onRecorded) {
        onRecorded(params.Command === 'stop' ? 'stopped' : 'recording');
      }
    } catch (err) {
      setSaid({ ok: false, text: err.message });
    } finally {
      setBusy('');
    }
  };
  const who = `${stream.AppName}/${stream.StreamName}`;
  return html`<div class="live-actions">
    <button type="button" disabled=${!!busy} aria-label=${`Record ${who}`}
      onClick=${() => run('record', 'RealTimeRecordCommand', { Command: 'start' }, 'Recording started.')}>Record</button>
    <button type="button" disabled=${!!busy} aria-label=${`Stop recording ${who}`}
      onClick=${() => run('stop', 'RealTimeRecordCommand', { Command: 'stop' }, 'Recording stopped.')}>Stop recording</button>
    <button type="button" class="danger" disabled=${!!busy} aria-label=${`Forbid ${who}`}
      onClick=${() => run('forbid', 'ForbidLiveStream', { LiveStreamType: 'publisher' }, 'Forbidden: the publisher was cut off.')}>Forbid</button>
    ${busy && html`<span class="spinner" aria-hidden="true"></span>`}
    ${said && html`<span class=${said.ok ? 'live-said' : 'error'} role=${said.ok ? 'status' : 'alert'}>${said.text}</span>`}
  </div>`;
}

// The domain's forbidden streams, each with Resume; reloaded when `tick` changes.
export function BlockList({ session, domain, tick, onError }) {
  const [streams, setStreams] = useState(null);
  const [error, setError] = useState('');
  const [again, setAgain] = useState(0);
  useEffect(() => {
    let stopped = false;
    callApi(session, 'DescribeLiveStreamsBlockList', { DomainName: domain, PageSize: '100' })
      .then((body) => { if (!stopped) { setStreams(body.StreamUrls?.StreamUrl || []); setError(''); } })
      .catch((err) => { if (!stopped) { setError(err.message); onError(err); } });
    return () => { stopped = true; };
  }, [session, domain, tick, again]);
  const resume = async (url) => {
    const [, app, ...rest] = url.split('/');
    try {
      await callApi(session, 'ResumeLiveStream',
        { DomainName: domain, AppName: app, StreamName: rest.join('/'), LiveStreamType: 'publisher' });
      setAgain(again + 1);
    } catch (err) {
      setError(err.message);
    }
  };
  if (error) return html`<p class="error" role="alert">${error}</p>`;
  if (streams === null) return html`<${Busy} text="Loading forbidden streams…" />`;
  if (streams.length === 0) return null;
  return html`<section class="live-blocked" aria-labelledby="live-blocked-title">
    <h3 id="live-blocked-title">Forbidden on ${domain}</h3>
    <ul>${streams.map((url) => html`<li key=${url}>
      <span class="stream-name">${url.split('/').slice(1).join('/')}</span>
      <button type="button" aria-label=${`Resume ${url}`} onClick=${() => resume(url)}>Resume</button>
    </li>`)}</ul>
  </section>`;
}
