// The Rules screen's callback configs (rules.js), one per domain each:
// - recording callbacks (DescribeLiveRecordNotifyConfig, AddLiveRecordNotifyConfig,
//   UpdateLiveRecordNotifyConfig, DeleteLiveRecordNotifyConfig): where file_created and status
//   callbacks go, where on-demand recording asks, and their signing;
// - stream callbacks (DescribeLiveStreamsNotifyUrlConfig, SetLiveStreamsNotifyUrlConfig,
//   DeleteLiveStreamsNotifyUrlConfig): where publish / publish_done go, and their signing.
// A domain without one shows "none" (the API's InvalidConfig.NotFound). The API's validation
// errors are shown beside the input they concern; delete asks in the page first.
import { html, useState, useEffect, useRef } from '../vendor/preact-htm.js';
import { callApi } from './api.js';
import { Busy, ErrorText } from './ui.js';
import {
  useForm, useFocusInvalid, submitForm, FormText, FormCheck, FormError, ConfirmDelete, focusSoon,
} from './rules_form.js';

const KEY_HINT_RECORD = 'NotifyAuthKey, 16–32 letters and digits; needed when signed';

// Recording callbacks: booleans are JSON booleans and sent as true/false.
const RECORD_NOTIFY = {
  id: 'rules-notify',
  title: 'Recording callbacks',
  intro: 'Where file_created and status callbacks go, and where on-demand recording asks.',
  none: 'None: no recording callback is sent for this domain.',
  addText: 'Add recording callbacks',
  describe: 'DescribeLiveRecordNotifyConfig',
  answer: 'LiveRecordNotifyConfig',
  add: 'AddLiveRecordNotifyConfig',
  update: 'UpdateLiveRecordNotifyConfig',
  remove: 'DeleteLiveRecordNotifyConfig',
  fields: [
    { name: 'NotifyUrl', label: 'Callback URL', hint: 'NotifyUrl: http:// or https://, a public host' },
    { name: 'OnDemandUrl', label: 'On-demand URL (optional)',
      hint: 'OnDemandUrl: asked whether to record (mode 1)' },
    { name: 'NeedStatusNotify', label: 'Send status callbacks (record_started, record_paused…)',
      check: true },
    { name: 'NotifyReqAuth', label: 'Sign the callbacks', check: true },
    { name: 'NotifyAuthKey', label: 'Signing key', hint: KEY_HINT_RECORD },
  ],
  values: (c) => ({ NotifyUrl: c?.NotifyUrl || '', OnDemandUrl: c?.OnDemandUrl || '',
    NeedStatusNotify: Boolean(c?.NeedStatusNotify), NotifyReqAuth: Boolean(c?.NotifyReqAuth),
    NotifyAuthKey: c?.NotifyAuthKey || '' }),
  params: (v, exists) => {
    const p = { NotifyUrl: v.NotifyUrl.trim(), NeedStatusNotify: String(v.NeedStatusNotify),
      NotifyReqAuth: String(v.NotifyReqAuth) };
    // On Update an empty OnDemandUrl clears it; on Add it is simply not sent.
    if (exists || v.OnDemandUrl.trim()) p.OnDemandUrl = v.OnDemandUrl.trim();
    if (v.NotifyAuthKey.trim()) p.NotifyAuthKey = v.NotifyAuthKey.trim();
    return p;
  },
  summary: (c) => [
    ['Callback URL', c.NotifyUrl],
    ['On-demand URL', c.OnDemandUrl || '—'],
    ['Status callbacks', c.NeedStatusNotify ? 'yes' : 'no'],
    ['Signed', c.NotifyReqAuth ? 'yes' : 'no'],
  ],
};

// Stream callbacks: NotifyReqAuth is the string yes/no; Set replaces the whole config.
const STREAM_NOTIFY = {
  id: 'rules-streams',
  title: 'Stream callbacks',
  intro: 'Where publish and publish_done callbacks go (a GET when a publisher starts or leaves).',
  none: 'None: no publish or publish_done callback is sent for this domain.',
  addText: 'Add stream callbacks',
  describe: 'DescribeLiveStreamsNotifyUrlConfig',
  answer: 'LiveStreamsNotifyConfig',
  add: 'SetLiveStreamsNotifyUrlConfig',
  update: 'SetLiveStreamsNotifyUrlConfig',
  remove: 'DeleteLiveStreamsNotifyUrlConfig',
  fields: [
    { name: 'NotifyUrl', label: 'Callback URL', hint: 'NotifyUrl: http:// or https://, a public host' },
    { name: 'NotifyReqAuth', label: 'Sign the callbacks', check: true },
    { name: 'NotifyAuthKey', label: 'Signing key',
      hint: 'NotifyAuthKey, 16–64 letters and digits; needed when signed' },
    { name: 'ExceptionNotifyUrl', label: 'Exception URL (optional)',
      hint: 'ExceptionNotifyUrl: stored only, liverec sends nothing there' },
    { name: 'SwitchNotifyUrl', label: 'Switch URL (optional)',
      hint: 'SwitchNotifyUrl: stored only, liverec sends nothing there' },
  ],
  values: (c) => ({ NotifyUrl: c?.NotifyUrl || '', NotifyReqAuth: c?.NotifyReqAuth === 'yes',
    NotifyAuthKey: c?.NotifyAuthKey || '', ExceptionNotifyUrl: c?.ExceptionNotifyUrl || '',
    SwitchNotifyUrl: c?.SwitchNotifyUrl || '' }),
  params: (v) => {
    const p = { NotifyUrl: v.NotifyUrl.trim(), NotifyReqAuth: v.NotifyReqAuth ? 'yes' : 'no' };
    for (const name of ['NotifyAuthKey', 'ExceptionNotifyUrl', 'SwitchNotifyUrl']) {
      if (v[name].trim()) p[name] = v[name].trim();
    }
    return p;
  },
  summary: (c) => [
    ['Callback URL', c.NotifyUrl],
    ['Signed', c.NotifyReqAuth === 'yes' ? 'yes' : 'no'],
    ['Exception URL', c.ExceptionNotifyUrl || '—'],
    ['Switch URL', c.SwitchNotifyUrl || '—'],
  ],
};

function CallbackForm({ spec, session, domain, config, onSaved, onCancel, onError }) {
  const form = useForm(spec.values(config));
  const [busy, setBusy] = useState(false);
  const ref = useRef(null);
  useFocusInvalid(ref, form.errors);
  const submit = async (event) => {
    event.preventDefault();
    const params = { DomainName: domain, ...spec.params(form.values, Boolean(config)) };
    const ok = await submitForm(form, setBusy, spec.fields.map((f) => f.name),
      () => callApi(session, config ? spec.update : spec.add, params), onError);
    if (ok) onSaved();
  };
  const titleId = `${spec.id}-form-title`;
  const what = spec.title.toLowerCase();
  return html`<form class="rules-form" ref=${ref} noValidate onSubmit=${submit} aria-labelledby=${titleId}>
    <h4 id=${titleId}>${config ? `Edit the ${what}` : `New ${what}`}</h4>
    <${FormError} form=${form} />
    <div class="rules-grid rules-wide">
      ${spec.fields.map((f) => (f.check
    ? html`<${FormCheck} key=${f.name} form=${form} prefix=${spec.id} name=${f.name} label=${f.label}
        hint=${f.hint} />`
    : html`<${FormText} key=${f.name} form=${form} prefix=${spec.id} name=${f.name} label=${f.label}
        hint=${f.hint} type=${f.name.endsWith('Url') ? 'url' : 'text'} />`))}
    </div>
    <div class="rules-buttons">
      <button type="submit" disabled=${busy}>${busy ? 'Saving…' : 'Save'}</button>
      <button type="button" onClick=${onCancel} disabled=${busy}>Cancel</button>
    </div>
    ${busy && html`<${Busy} text="Saving…" />`}
  </form>`;
}

// The config of the domain: undefined while loading, null when there is none.
function useCallbackConfig(spec, session, domain, tick, onError) {
  const [config, setConfig] = useState(undefined);
  const [error, setError] = useState(null);
  useEffect(() => {
    let stopped = false;
    setError(null);
    setConfig(undefined);
    callApi(session, spec.describe, { DomainName: domain })
      .then((body) => { if (!stopped) setConfig(body[spec.answer] || null); })
      .catch((err) => {
        if (stopped) return;
        if (err.code === 'InvalidConfig.NotFound') {
          setConfig(null);
        } else {
          setError(err);
          onError(err);
        }
      });
    return () => { stopped = true; };
  }, [session, domain, tick]);
  return { config, error };
}

function Summary({ spec, config }) {
  return html`<dl class="rules-summary">
    ${spec.summary(config).map(([term, value]) => html`<div key=${term}>
      <dt>${term}</dt><dd>${value}</dd>
    </div>`)}
  </dl>`;
}

function CallbackSection({ spec, session, domain, onError }) {
  const [tick, setTick] = useState(0);
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [deleteError, setDeleteError] = useState(null);
  const [note, setNote] = useState('');
  const { config, error } = useCallbackConfig(spec, session, domain, tick, onError);
  const heading = useRef(null);
  const reload = (text) => { setNote(text); setTick((t) => t + 1); };
  const back = () => { setEditing(false); setConfirming(false); focusSoon(heading); };
  const remove = async () => {
    setDeleting(true);
    try {
      await callApi(session, spec.remove, { DomainName: domain });
      back();
      reload('Deleted.');
    } catch (err) {
      setDeleteError(err);
      onError(err);
    } finally {
      setDeleting(false);
    }
  };
  const open = () => { setNote(''); setConfirming(false); setEditing(true); };
  const ask = () => { setNote(''); setDeleteError(null); setEditing(false); setConfirming(true); };
  const headingId = `${spec.id}-heading`;
  const what = spec.title.toLowerCase();
  return html`<section class="rules-section" aria-labelledby=${headingId}>
    <div class="rules-head">
      <h3 id=${headingId} tabIndex="-1" ref=${heading}>${spec.title}</h3>
      ${config === null && !editing && html`<button type="button" onClick=${open}>${spec.addText}</button>`}
      ${config && !editing && html`<span class="rules-buttons">
        <button type="button" onClick=${open} aria-label=${`Edit the ${what}`}>Edit</button>
        <button type="button" onClick=${ask} aria-label=${`Delete the ${what}`}>Delete</button>
      </span>`}
    </div>
    <p class="rules-muted">${spec.intro}</p>
    ${note && html`<p class="status" role="status">${note}</p>`}
    <${ErrorText} error=${error} />
    ${confirming && config && html`<${ConfirmDelete} id=${`${spec.id}-confirm`} busy=${deleting}
      text=${`Delete the ${what} of ${domain}? Callbacks already queued are still sent.`}
      onConfirm=${remove} onCancel=${back} />`}
    <${ErrorText} error=${deleteError} />
    ${config === undefined && !error && html`<${Busy} text="Loading…" />`}
    ${config === null && !editing && html`<p class="status">${spec.none}</p>`}
    ${config && !editing && html`<${Summary} spec=${spec} config=${config} />`}
    ${editing && config !== undefined && html`<${CallbackForm} spec=${spec} session=${session}
      domain=${domain} config=${config} onError=${onError} onCancel=${back}
      onSaved=${() => { back(); reload('Saved.'); }} />`}
  </section>`;
}

export function RecordNotify(props) {
  return html`<${CallbackSection} spec=${RECORD_NOTIFY} ...${props} />`;
}

export function StreamNotify(props) {
  return html`<${CallbackSection} spec=${STREAM_NOTIFY} ...${props} />`;
}
