// What the Rules screen's forms share (rules.js): labelled inputs that show the API's validation
// error for them beside the input (role="alert", linked by aria-describedby, aria-invalid on the
// input), the mapping of an API error to the field it concerns, and an in-page, keyboard-usable
// delete confirmation. No API action of its own.
import { html, useState, useEffect, useRef } from '../vendor/preact-htm.js';

// The key under which an error that concerns no field is kept (shown above the form).
export const FORM_ERROR = '_form';

// An element id made of `prefix` and a parameter name (RecordFormat.1.Format → RecordFormat-1-Format).
export function fieldId(prefix, name) {
  return `${prefix}-${name.replace(/[^A-Za-z0-9]+/g, '-')}`;
}

// The parameter an error names in its code: MissingOssBucket, InvalidDelayTime.Malformed,
// InvalidNotifyUrl.Unsafe → OssBucket, DelayTime, NotifyUrl; InvalidParameter names it in its
// message ("NeedStatusNotify"). A bucket of another account is InvalidBucket.NotFound.
function namedParameter(code, message) {
  if (code === 'InvalidParameter') return (/"(\w+)"/.exec(message) || [])[1] || null;
  const m = /^(?:Missing|Invalid)([A-Za-z]+)/.exec(code);
  if (!m) return null;
  return m[1] === 'Bucket' ? 'OssBucket' : m[1];
}

// The field of `fields` (parameter names) that the API error `err` concerns, or FORM_ERROR.
// Errors about a list item name it in the message (RecordFormat.2.CycleDuration must be…).
export function errorField(err, fields) {
  const code = err && err.code ? err.code : '';
  const message = (err && err.body && err.body.Message) || '';
  const item = /(?:^|[^A-Za-z])(RecordFormat\.\d+\.\w+)/.exec(message);
  if (item && fields.includes(item[1])) return item[1];
  const name = namedParameter(code, message);
  if (name && fields.includes(name)) return name;
  if (name && fields.includes(`RecordFormat.1.${name}`)) return `RecordFormat.1.${name}`;
  if (code === 'MissingRecordFormat' && fields.includes('RecordFormat')) return 'RecordFormat';
  return FORM_ERROR;
}

// The words shown for an error: the API's message and code, or the network failure.
export function errorText(err) {
  if (err && err.body && err.body.Message) return `${err.body.Message} (${err.code})`;
  return err instanceof Error ? err.message : String(err);
}

// Form state: values by parameter name, errors by field (FORM_ERROR for the form).
export function useForm(initial) {
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState({});
  const set = (name, value) => setValues((v) => ({ ...v, [name]: value }));
  return { values, setValues, errors, setErrors, set };
}

// Moves the focus to the first input the API found invalid, once the errors are shown.
export function useFocusInvalid(formRef, errors) {
  useEffect(() => {
    const invalid = formRef.current && formRef.current.querySelector('[aria-invalid="true"]');
    if (invalid) invalid.focus();
  }, [errors]);
}

function describedBy(id, error, hint) {
  const ids = [error && `${id}-error`, hint && `${id}-hint`].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

function FieldNotes({ id, error, hint }) {
  return html`${hint && html`<small id=${`${id}-hint`} class="rules-hint">${hint}</small>`}
    ${error && html`<p id=${`${id}-error`} class="rules-field-error" role="alert">${error}</p>`}`;
}

// A text input with its label, hint and error. `attrs` go to the input (placeholder, readOnly…).
export function TextInput({ id, label, value, onValue, error, hint, type = 'text', attrs = {} }) {
  return html`<div class="rules-field">
    <label for=${id}>${label}</label>
    <input id=${id} type=${type} value=${value} autocomplete="off" spellcheck=${false}
      aria-invalid=${error ? 'true' : undefined} aria-describedby=${describedBy(id, error, hint)}
      onInput=${(e) => onValue(e.target.value)} ...${attrs} />
    <${FieldNotes} id=${id} error=${error} hint=${hint} />
  </div>`;
}

// A select among `options` ([value, text]).
export function SelectInput({ id, label, value, onValue, options, error, hint }) {
  return html`<div class="rules-field">
    <label for=${id}>${label}</label>
    <select id=${id} value=${value} aria-invalid=${error ? 'true' : undefined}
      aria-describedby=${describedBy(id, error, hint)} onChange=${(e) => onValue(e.target.value)}>
      ${options.map(([v, text]) => html`<option key=${v} value=${v}>${text}</option>`)}
    </select>
    <${FieldNotes} id=${id} error=${error} hint=${hint} />
  </div>`;
}

// A checkbox with its label after it.
export function CheckInput({ id, label, checked, onValue, error, hint }) {
  return html`<div class="rules-field rules-check">
    <input id=${id} type="checkbox" checked=${checked} aria-invalid=${error ? 'true' : undefined}
      aria-describedby=${describedBy(id, error, hint)} onChange=${(e) => onValue(e.target.checked)} />
    <label for=${id}>${label}</label>
    <${FieldNotes} id=${id} error=${error} hint=${hint} />
  </div>`;
}

// A text input bound to `form` (useForm) by parameter name.
export function FormText({ form, prefix, name, ...rest }) {
  return html`<${TextInput} id=${fieldId(prefix, name)} value=${form.values[name] ?? ''}
    onValue=${(v) => form.set(name, v)} error=${form.errors[name]} ...${rest} />`;
}

export function FormCheck({ form, prefix, name, ...rest }) {
  return html`<${CheckInput} id=${fieldId(prefix, name)} checked=${Boolean(form.values[name])}
    onValue=${(v) => form.set(name, v)} error=${form.errors[name]} ...${rest} />`;
}

// The error of the form as a whole (one that concerns no field), above the form.
export function FormError({ form }) {
  const error = form.errors[FORM_ERROR];
  return error ? html`<p class="error rules-form-error" role="alert">${error}</p>` : null;
}

// Runs `call` for a form: busy meanwhile, the API's error put beside its field (of `fields`).
// Resolves with true when the call succeeded.
export async function submitForm(form, setBusy, fields, call, onError) {
  setBusy(true);
  form.setErrors({});
  try {
    await call();
    return true;
  } catch (err) {
    onError(err);
    form.setErrors({ [errorField(err, fields)]: errorText(err) });
    return false;
  } finally {
    setBusy(false);
  }
}

// Puts the focus on `ref`'s element once the page has been drawn (after a form or a confirmation
// closes, so that the keyboard does not start over from the top of the page).
export function focusSoon(ref) {
  requestAnimationFrame(() => { if (ref.current) ref.current.focus(); });
}

// An in-page confirmation: the focus goes to Cancel, Escape cancels.
export function ConfirmDelete({ id, text, busy, onConfirm, onCancel }) {
  const cancel = useRef(null);
  useEffect(() => { if (cancel.current) cancel.current.focus(); }, []);
  const keys = (e) => { if (e.key === 'Escape') onCancel(); };
  return html`<div class="rules-confirm" role="alertdialog" aria-labelledby=${id} onKeyDown=${keys}>
    <p id=${id}>${text}</p>
    <div class="rules-buttons">
      <button type="button" class="rules-danger" disabled=${busy} onClick=${onConfirm}>
        ${busy ? 'Deleting…' : 'Yes, delete'}</button>
      <button type="button" ref=${cancel} disabled=${busy} onClick=${onCancel}>Cancel</button>
    </div>
  </div>`;
}
