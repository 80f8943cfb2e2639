// The Callbacks screen: the delivery history of a domain's recording callbacks
// (DescribeLiveRecordNotifyRecords), newest first — latest attempt, app/stream, event, URL,
// result and description, each row expandable to the request body, headers and the receiver's
// answer — filtered by time range, status, app and stream, a page at a time. The domain is
// picked from the account's (DescribeLiveUserDomains) or typed, and remembered in this browser
// (the same key as the Live screen; not a secret). Table: callbacks_table.js; filters:
// callbacks_filters.js.
import { html, useState, useEffect } from '../vendor/preact-htm.js';
import { callApi } from './api.js';
import { rememberedDomain, rememberDomain, useKnownDomains } from './domains.js';
import { ErrorText, Busy, apiTime } from './ui.js';
import { CallbackTable } from './callbacks_table.js';
import { Filters, FilterWords, DEFAULT_FILTERS, windowOf } from './callbacks_filters.js';


// The API's parameters for `query` ({domain, filters, page}) over `span`.
function paramsOf(query, span) {
  const { filters } = query;
  const params = {
    DomainName: query.domain, StartTime: apiTime(span.start), EndTime: apiTime(span.end),
    PageNumber: String(query.page), PageSize: filters.pageSize,
  };
  if (filters.status) params.Status = filters.status;
  if (filters.app) params.AppName = filters.app;
  if (filters.stream) params.StreamName = filters.stream;
  return params;
}

// Loads the page `query` asks for, again whenever `tick` changes: {result, loading, error}.
function useHistory(session, onError, query, tick) {
  const [result, setResult] = useState(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState('');
  useEffect(() => {
    if (!query.domain) return undefined;
    let stopped = false;
    const span = windowOf(query.filters, Date.now());
    if (span.errors) return undefined;
    setLoading(true);
    setError('');
    callApi(session, 'DescribeLiveRecordNotifyRecords', paramsOf(query, span))
      .then((body) => {
        if (stopped) return;
        setResult({ query, span, entries: body.CallbackList || [], total: body.TotalNum || 0,
          pages: body.TotalPage || 0, page: body.PageNum || query.page });
      })
      .catch((err) => {
        if (stopped) return;
        setResult(null);
        setError(err);
        onError(err);
      })
      .finally(() => { if (!stopped) setLoading(false); });
    return () => { stopped = true; };
  }, [query, tick, session]);
  return { result, loading, error };
}

function Pager({ result, onPage }) {
  const { page, pages } = result;
  return html`<nav class="callbacks-pager" aria-label="Pages of callbacks">
    <button type="button" disabled=${page <= 1} onClick=${() => onPage(page - 1)}>Previous</button>
    <span aria-live="polite">Page ${page} of ${Math.max(pages, 1)}</span>
    <button type="button" disabled=${page >= pages} onClick=${() => onPage(page + 1)}>Next</button>
  </nav>`;
}

function History({ result, expanded, onToggle, onPage }) {
  const { query, span, entries, total } = result;
  const words = html`<${FilterWords} filters=${query.filters} span=${span} />`;
  if (total === 0) {
    return html`<p class="status callbacks-empty">No callback on ${query.domain} ${words}.</p>`;
  }
  if (entries.length === 0) {
    return html`<p class="status callbacks-empty">This page is past the last one: ${total} on
      ${query.domain} ${words}.</p>
      <${Pager} result=${result} onPage=${onPage} />`;
  }
  const offset = (result.page - 1) * Number(query.filters.pageSize);
  const shown = entries.length < total ? ` (${offset + 1}–${offset + entries.length} shown)` : '';
  const caption = html`${total} ${total === 1 ? 'callback' : 'callbacks'} on ${query.domain} ${words},
    newest first${shown}`;
  return html`<${CallbackTable} entries=${entries} expanded=${expanded} onToggle=${onToggle}
      caption=${caption} offset=${offset} />
    <${Pager} result=${result} onPage=${onPage} />`;
}

export function Callbacks({ session, onError }) {
  const remembered = rememberedDomain();
  const [typed, setTyped] = useState(remembered);
  const [draft, setDraft] = useState(DEFAULT_FILTERS);
  const [fieldErrors, setFieldErrors] = useState({});
  const [query, setQuery] = useState({ domain: remembered, filters: DEFAULT_FILTERS, page: 1 });
  const [tick, setTick] = useState(0);
  const [expanded, setExpanded] = useState(new Set());
  const known = useKnownDomains(session, onError);
  const { result, loading, error } = useHistory(session, onError, query, tick);

  useEffect(() => {
    if (query.domain || known.length === 0) return;
    setTyped(known[0]);
    setQuery({ ...query, domain: known[0] });
  }, [known]);

  const showDomain = (event) => {
    event.preventDefault();
    const name = typed.trim();
    rememberDomain(name);
    setQuery({ ...query, domain: name, page: 1 });
  };
  const apply = () => {
    const checked = windowOf(draft, Date.now());
    setFieldErrors(checked.errors || {});
    if (!checked.errors) setQuery({ ...query, filters: { ...draft }, page: 1 });
  };
  const toggle = (key) => {
    const next = new Set(expanded);
    if (next.has(key)) next.delete(key); else next.add(key);
    setExpanded(next);
  };

  return html`<section class="callbacks" aria-labelledby="callbacks-title">
    <h2 id="callbacks-title">Callbacks</h2>
    <form class="inline" onSubmit=${showDomain}>
      <label for="callbacks-domain">Domain</label>
      <input id="callbacks-domain" name="domain" required placeholder="live.example.com"
        list="callbacks-domains" value=${typed} onInput=${(e) => setTyped(e.target.value)} />
      <datalist id="callbacks-domains">
        ${known.map((name) => html`<option key=${name} value=${name} />`)}
      </datalist>
      <button type="submit">Show</button>
      <button type="button" disabled=${!query.domain || loading} onClick=${() => setTick(tick + 1)}>
        Refresh</button>
    </form>
    <${Filters} draft=${draft} setDraft=${setDraft} onApply=${apply} errors=${fieldErrors} />
    <${ErrorText} error=${error} />
    ${!query.domain && html`<p class="status">Pick or type a domain to see its callbacks.</p>`}
    ${loading && html`<${Busy} text="Loading callbacks…" />`}
    ${result && html`<${History} result=${result} expanded=${expanded} onToggle=${toggle}
      onPage=${(page) => setQuery({ ...query, page })} />`}
  </section>`;
}
