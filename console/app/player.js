// A <video> that plays an HLS playlist with hls.js (the browser's own HLS where it has no Media
// Source Extensions). hls.js runs without a worker (the console's Content-Security-Policy allows
// no worker). Fatal errors are shown in words and reported to `onFatal` (e.g. to fetch a fresh
// signed URL); `onPlayer(video)` hands the element out (tests and "go live" read it).
import { html, useEffect, useRef, useState } from '../vendor/preact-htm.js';
import Hls from '../vendor/hls.js';

// Stay about one slice behind the newest stored slice of a growing playlist.
const LIVE_CONFIG = { enableWorker: false, liveSyncDurationCount: 1, liveMaxLatencyDurationCount: 6 };
const VOD_CONFIG = { enableWorker: false };

export function Player({ src, live = false, label, onFatal, onPlayer }) {
  const video = useRef(null);
  const [error, setError] = useState('');
  useEffect(() => {
    const element = video.current;
    if (!src || !element) return undefined;
    setError('');
    if (onPlayer) onPlayer(element);
    if (!Hls.isSupported()) {
      element.src = src;
      return () => { element.removeAttribute('src'); element.load(); };
    }
    const hls = new Hls(live ? LIVE_CONFIG : VOD_CONFIG);
    hls.on(Hls.Events.ERROR, (_event, data) => {
      if (!data.fatal) return;
      const status = data.response && data.response.code ? ` (HTTP ${data.response.code})` : '';
      setError(`The player stopped: ${data.type} ${data.details}${status}.`);
      hls.destroy();
      if (onFatal) onFatal(data);
    });
    hls.loadSource(src);
    hls.attachMedia(element);
    element.play().catch(() => {});  // autoplay may wait for a gesture: the controls are there
    return () => hls.destroy();
  }, [src, live]);
  return html`<div class="player">
    <video ref=${video} controls muted playsinline aria-label=${label}></video>
    ${error && html`<p class="error" role="alert">${error}</p>`}
  </div>`;
}
