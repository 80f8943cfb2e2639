// The domain a screen works on: picked from the account's domains (DescribeLiveUserDomains) or
// typed, and remembered in this browser for every screen (a name, not a secret).
import { html, useState, useEffect, useRef } from '../vendor/preact-htm.js';
import { callApi } from './api.js';

const DOMAIN_KEY = 'liverec.console.domain';

export function rememberedDomain() {
  return localStorage.getItem(DOMAIN_KEY) || '';
}

export function rememberDomain(name) {
  localStorage.setItem(DOMAIN_KEY, name);
}

// The account's domain names (empty until they arrive; errors go to onError).
export function useKnownDomains(session, onError) {
  const [known, setKnown] = useState([]);
  useEffect(() => {
    callApi(session, 'DescribeLiveUserDomains', { LiveDomainType: 'liveVideo', PageSize: '50' })
      .then((body) => setKnown((body.Domains?.PageData || []).map((d) => d.DomainName)))
      .catch(onError);
  }, [session]);
  return known;
}

// The picked domain ('' until one is): the remembered one, else the account's first.
// Returns [domain, pick(name), known].
export function useDomain(session, onError) {
  const [domain, setDomain] = useState(rememberedDomain());
  const known = useKnownDomains(session, onError);
  useEffect(() => {
    if (!domain && known.length > 0) setDomain(known[0]);
  }, [known]);
  const pick = (name) => {
    if (!name) return;
    rememberDomain(name);
    setDomain(name);
  };
  return [domain, pick, known];
}

// A form with the domain input (`<id>-domain`, offering `known`) and a Show button; `onPick`
// gets the trimmed name.
export function DomainPicker({ id, domain, known, onPick }) {
  const [typed, setTyped] = useState(domain);
  const input = useRef(null);
  // A domain picked for the user (the account's first, once known) fills the input only when
  // nothing is typed in it and the user is not in it: what the user is typing, or is about to
  // type, is never replaced (a fill arriving between focus and the first key would otherwise be
  // joined with what is typed).
  useEffect(() => {
    if (input.current && document.activeElement === input.current) return;
    setTyped((current) => current || domain);
  }, [domain]);
  const submit = (event) => {
    event.preventDefault();
    onPick(typed.trim());
  };
  return html`<form class="inline" onSubmit=${submit}>
    <label for=${`${id}-domain`}>Domain</label>
    <input id=${`${id}-domain`} ref=${input} name="domain" required placeholder="live.example.com"
      list=${`${id}-domains`} value=${typed} onInput=${(e) => setTyped(e.target.value)}
      onBlur=${() => setTyped((current) => current || domain)} />
    <datalist id=${`${id}-domains`}>${known.map((name) => html`<option key=${name} value=${name} />`)}</datalist>
    <button type="submit">Show</button>
  </form>`;
}
