// The Rules screen: for a domain (picked from the account's, DescribeLiveUserDomains, or typed;
// remembered in this browser like on the Live screen), its recording configs
// (rules_record.js: DescribeLiveRecordConfig, Add/Update/DeleteLiveAppRecordConfig), its
// recording callbacks (DescribeLiveRecordNotifyConfig, Add/Update/DeleteLiveRecordNotifyConfig)
// and its stream callbacks (Describe/Set/DeleteLiveStreamsNotifyUrlConfig) (rules_callbacks.js):
// listed, added, edited and deleted, with the API's validation errors beside their fields.
import { html } from '../vendor/preact-htm.js';
import { useDomain, DomainPicker } from './domains.js';
import { RecordConfigs } from './rules_record.js';
import { RecordNotify, StreamNotify } from './rules_callbacks.js';

export function Rules({ session, onError }) {
  const [domain, pick, known] = useDomain(session, onError);

  return html`<section class="rules" aria-labelledby="rules-title">
    <h2 id="rules-title">Rules</h2>
    <${DomainPicker} id="rules" domain=${domain} known=${known} onPick=${pick} />
    ${!domain && html`<p class="status">Pick a domain to see its recording and callback rules.</p>`}
    ${domain && html`<div key=${domain}>
      <${RecordConfigs} session=${session} domain=${domain} onError=${onError} />
      <${RecordNotify} session=${session} domain=${domain} onError=${onError} />
      <${StreamNotify} session=${session} domain=${domain} onError=${onError} />
    </div>`}
  </section>`;
}
