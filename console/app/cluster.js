// The Cluster screen: the nodes (DescribeLiveClusterNodes, operator accounts only), refreshed every
// few seconds: live or dead by their membership lease, addresses, version, since when, last
// heartbeat, the lease's epoch and time left, the leases each holds (publishes, recordings,
// relays), load and upload lag. On a single node (SQLite) the one node answering. An account that
// is no operator is told so, in words.
import { html, useState, useEffect } from '../vendor/preact-htm.js';
import { callApi } from './api.js';
import { Time, Busy } from './ui.js';

const REFRESH_MS = 5000;
// An upload lag above this many seconds is shown as a warning: slices wait in the node's spool.
const LAG_WARN_S = 60;

function seconds(value) {
  const s = Number(value) || 0;
  return `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
}

function StateLight({ node }) {
  const live = node.Status === 'live';
  return html`<span class=${`cluster-state cluster-${live ? 'live' : 'dead'}`}>
    <span class="cluster-light" aria-hidden="true"></span>${live ? 'live' : 'dead'}
  </span>`;
}

function Lease({ node, clustered }) {
  if (!clustered) return html`<span>none (a single node)</span>`;
  switch (node.LeaseStatus) {
    case 'held': return html`<span>epoch ${node.LeaseEpoch}, ${seconds(node.LeaseSecondsLeft)} left</span>`;
    case 'lapsed': return html`<span>epoch ${node.LeaseEpoch}, lapsed at
      ${' '}<${Time} value=${node.LeaseExpireTime} /></span>`;
    case 'released': return html`<span>epoch ${node.LeaseEpoch}, released (stopped)</span>`;
    default: return html`<span>never held</span>`;
  }
}

function Held({ node }) {
  return html`<span>${node.PublishLeases} publish · ${node.RecordLeases} record · ${node.RelayLeases} relay</span>`;
}

function NodeRow({ node, clustered, answering }) {
  const lag = Number(node.UploadLagSeconds) || 0;
  return html`<tr class=${node.Status === 'live' ? '' : 'cluster-gone'}>
    <td data-label="Node" class="cluster-name">${node.NodeId}${node.NodeId === answering
      && html` <span class="cluster-tag">this node</span>`}</td>
    <td data-label="State"><${StateLight} node=${node} /></td>
    <td data-label="Addresses" class="cluster-addresses"><span>HTTP ${node.HttpAddress || '—'}</span>
      <span>RTMP ${node.RtmpAddress || '—'}</span></td>
    <td data-label="Version">${node.Version || '—'}</td>
    <td data-label="Since">${node.StartTime ? html`<${Time} value=${node.StartTime} />` : '—'}</td>
    <td data-label="Heartbeat">${node.HeartbeatTime ? html`<${Time} value=${node.HeartbeatTime} />` : '—'}</td>
    <td data-label="Lease"><${Lease} node=${node} clustered=${clustered} /></td>
    <td data-label="Leases held"><${Held} node=${node} /></td>
    <td data-label="Streams">${node.LiveStreams}</td>
    <td data-label="Relays">${node.RelaysRunning}</td>
    <td data-label="Upload lag" class=${lag > LAG_WARN_S ? 'cluster-lagging' : ''}>${seconds(lag)}${
      lag > LAG_WARN_S && html` <span class="cluster-tag">slices waiting</span>`}</td>
  </tr>`;
}

function Summary({ body }) {
  if (!body.ClusterMode) {
    return html`<p class="status">This server runs alone (SQLite): no cluster. Its node is
      ${' '}<strong>${body.NodeId}</strong>.</p>`;
  }
  return html`<p class="status">${body.TotalCount} nodes, ${body.LiveCount} live, on one PostgreSQL
    (membership lease ${body.LeaseSeconds} s); answered by <strong>${body.NodeId}</strong>.</p>`;
}

export function Cluster({ session, onError }) {
  const [body, setBody] = useState(null);
  const [error, setError] = useState('');
  const [refused, setRefused] = useState(false);

  useEffect(() => {
    let stopped = false;
    let timer;
    const load = async () => {
      try {
        const answer = await callApi(session, 'DescribeLiveClusterNodes', {});
        if (stopped) return;
        setBody(answer);
        setError('');
      } catch (err) {
        if (stopped) return;
        if (err.code === 'Forbidden.NotOperator') {
          setRefused(true);
          return;  // it will not change while this key is signed in
        }
        setError(err.message);
        onError(err);
      }
      if (!stopped) timer = setTimeout(load, REFRESH_MS);
    };
    load();
    return () => { stopped = true; clearTimeout(timer); };
  }, [session]);

  const nodes = body?.Nodes?.Node || [];
  return html`<section aria-labelledby="cluster-title">
    <h2 id="cluster-title">Cluster</h2>
    ${refused && html`<p class="error" role="alert">Only an operator account sees the nodes, and this
      AccessKey's account is not one (the server's <code>api.operator_accounts</code>).</p>`}
    ${error && html`<p class="error" role="alert">${error}</p>`}
    ${!body && !error && !refused && html`<${Busy} text="Loading the nodes…" />`}
    ${body && html`<${Summary} body=${body} />`}
    ${nodes.length > 0 && html`<table class="streams cluster-table">
      <caption>Refreshed every ${REFRESH_MS / 1000} s; load as of each node's last heartbeat.</caption>
      <thead><tr><th>Node</th><th>State</th><th>Addresses</th><th>Version</th><th>Since</th>
        <th>Heartbeat</th><th>Lease</th><th>Leases held</th><th>Streams</th><th>Relays</th>
        <th>Upload lag</th></tr></thead>
      <tbody>${nodes.map((n) => html`<${NodeRow} key=${n.NodeId} node=${n}
        clustered=${body.ClusterMode} answering=${body.NodeId} />`)}</tbody>
    </table>`}
  </section>`;
}
