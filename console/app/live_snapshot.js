// The Live screen's snapshots: which apps of a domain have a snapshot config
// (DescribeLiveSnapshotConfig, asked again every minute), and, for a shown stream of such an app, its
// latest snapshot as a small thumbnail (DescribeLiveStreamSnapshotInfo over the last 10 minutes,
// newest first, one; asked again every 10 s while the row is shown). The image is read through
// the answer's ImageUrl (signed for private buckets); none taken yet: nothing is shown.
import { html, useState, useEffect } from '../vendor/preact-htm.js';
import { callApi } from './api.js';
import { apiTime } from './ui.js';

const CONFIG_REFRESH_MS = 60000;
const SNAPSHOT_REFRESH_MS = 10000;
const SNAPSHOT_WINDOW_MS = 10 * 60 * 1000;
const MAX_CONFIG_PAGES = 10;

// The app names of `domain` that have a snapshot config ('*': every app), as a Set; empty until
// known or when asking failed (the thumbnails are an extra: the list shows its own errors).
export function useSnapshotApps(session, domain) {
  const [apps, setApps] = useState(new Set());
  useEffect(() => {
    setApps(new Set());
    if (!domain) return undefined;
    let stopped = false;
    let timer;
    const load = async () => {
      try {
        const found = new Set();
        for (let page = 1, pages = 1; page <= pages && page <= MAX_CONFIG_PAGES; page += 1) {
          const body = await callApi(session, 'DescribeLiveSnapshotConfig',
            { DomainName: domain, PageSize: '30', PageNum: String(page) });
          const configs = body.LiveStreamSnapshotConfigList?.LiveStreamSnapshotConfig || [];
          for (const c of configs) found.add(c.AppName);
          pages = body.TotalPage || 1;
        }
        if (!stopped) setApps(found);
      } catch (err) {
        // Kept as it was; asked again at the next round.
      }
      if (!stopped) timer = setTimeout(load, CONFIG_REFRESH_MS);
    };
    load();
    return () => { stopped = true; clearTimeout(timer); };
  }, [session, domain]);
  return apps;
}

export function hasSnapshots(apps, app) {
  return apps.has(app) || apps.has('*');
}

// The latest snapshot of one stream, linked to the full picture.
export function Snapshot({ session, domain, app, stream }) {
  const [shot, setShot] = useState(null);  // {url, time, stamp}
  const [error, setError] = useState('');
  const [broken, setBroken] = useState(false);
  useEffect(() => {
    let stopped = false;
    let timer;
    const load = async () => {
      const now = Date.now();
      try {
        const body = await callApi(session, 'DescribeLiveStreamSnapshotInfo', {
          DomainName: domain, AppName: app, StreamName: stream,
          StartTime: apiTime(now - SNAPSHOT_WINDOW_MS), EndTime: apiTime(now), Order: 'desc', Limit: '1',
        });
        const latest = body.LiveStreamSnapshotInfoList?.LiveStreamSnapshotInfo?.[0];
        if (stopped) return;
        setError('');
        // A new URL only for a new picture: a private bucket's URL differs at every answer.
        setShot((old) => {
          if (!latest || !latest.ImageUrl) return null;
          const stamp = `${latest.OssObject} ${latest.CreateTimestamp}`;
          if (old && old.stamp === stamp) return old;
          return { url: latest.ImageUrl, time: latest.CreateTime, stamp };
        });
      } catch (err) {
        if (!stopped) setError(err.message);
      }
      if (!stopped) timer = setTimeout(load, SNAPSHOT_REFRESH_MS);
    };
    load();
    return () => { stopped = true; clearTimeout(timer); };
  }, [session, domain, app, stream]);
  useEffect(() => setBroken(false), [shot]);
  if (error) return html`<span class="error live-snapshot-error">Snapshot: ${error}</span>`;
  if (!shot) return null;
  if (broken) return html`<span class="error live-snapshot-error">The snapshot could not be loaded.</span>`;
  const when = new Date(shot.time);
  const alt = `Snapshot of ${app}/${stream} at ${
    Number.isNaN(when.getTime()) ? shot.time : when.toLocaleString()}`;
  return html`<a class="live-snapshot" href=${shot.url} target="_blank" rel="noopener noreferrer"
    title=${`${alt} (${shot.time} UTC); opens the full picture`}>
    <img src=${shot.url} alt=${alt} width="96" height="54" onError=${() => setBroken(true)} /></a>`;
}
