// The liverec console (docs/console.md): sign in with an AccessKey pair, then the screens. Every
// action goes through the signed API (api.js) as the signed-in key's account.
import { html, render, useState, useEffect } from '../vendor/preact-htm.js';
import { signIn, expired, refusedKey } from './session.js';
import { SCREENS } from './screens.js';

function SignIn({ onSignedIn }) {
  const [keyId, setKeyId] = useState('');
  const [secret, setSecret] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError('');
    try {
      const session = await signIn(keyId, secret);
      setSecret('');
      onSignedIn(session);
    } catch (err) {
      if (refusedKey(err)) {
        setError(`The AccessKey pair was refused (${err.code}).`);
      } else if (!window.isSecureContext) {
        setError('The console signs requests with WebCrypto, which browsers give to HTTPS and '
          + 'localhost pages only: open it through HTTPS or at 127.0.0.1.');
      } else {
        setError(`The server cannot be reached: ${err.message}`);
      }
    } finally {
      setBusy(false);
    }
  };
  return html`<section class="sign-in" aria-labelledby="sign-in-title">
    <h1 id="sign-in-title">liverec</h1>
    <form onSubmit=${submit}>
      <label for="key-id">AccessKey ID</label>
      <input id="key-id" name="key-id" autocomplete="username" required value=${keyId}
        onInput=${(e) => setKeyId(e.target.value)} />
      <label for="key-secret">AccessKey secret</label>
      <input id="key-secret" name="key-secret" type="password" autocomplete="current-password"
        required value=${secret} onInput=${(e) => setSecret(e.target.value)} />
      <button type="submit" disabled=${busy}>${busy ? 'Signing in…' : 'Sign in'}</button>
      ${error && html`<p class="error" role="alert">${error}</p>`}
    </form>
  </section>`;
}

// The screen named by the URL's #fragment (the first one by default).
function screenOfHash() {
  const id = location.hash.replace(/^#/, '').split('/')[0];
  return SCREENS.find((s) => s.id === id) || SCREENS[0];
}

function Nav({ current }) {
  return html`<nav class="tabs" aria-label="Screens">
    ${SCREENS.map((s) => html`<a key=${s.id} href=${`#${s.id}`}
      aria-current=${s === current ? 'page' : undefined}>${s.title}</a>`)}
  </nav>`;
}

function App() {
  const [session, setSession] = useState(null);
  const [screen, setScreen] = useState(screenOfHash());
  useEffect(() => {
    const follow = () => setScreen(screenOfHash());
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);
  useEffect(() => {
    if (!session) return undefined;
    const timer = setTimeout(() => setSession(null), Math.max(0, session.expiresAt - Date.now()));
    return () => clearTimeout(timer);
  }, [session]);
  if (expired(session)) return html`<${SignIn} onSignedIn=${setSession} />`;
  // A key disabled or removed meanwhile ends the session.
  const onError = (err) => { if (refusedKey(err)) setSession(null); };
  return html`<header class="bar">
      <span class="brand">liverec</span>
      <span class="who">${session.keyId}</span>
      <button type="button" onClick=${() => setSession(null)}>Sign out</button>
    </header>
    <${Nav} current=${screen} />
    <main class="screen"><${screen.component} key=${screen.id} session=${session} onError=${onError} /></main>`;
}

const root = document.getElementById('app');
root.textContent = '';
render(html`<${App} />`, root);
