// What the Relays screen's forms share (docs/api/relay.md): the Region every relay action needs,
// the date inputs (the browser's zone) turned into the API's UTC times, and the API's errors
// shown beside the field they concern (`aria-invalid` and a message linked by aria-describedby).
// No API call of its own.
import { html, useLayoutEffect, useRef, useState } from '../vendor/preact-htm.js';
import { apiTime } from './ui.js';

// liverec validates Region but does not partition tasks by it: any valid one finds every task.
export const REGION = 'cn-shanghai';
export const REGIONS = ['cn-shanghai', 'cn-beijing', 'cn-shenzhen', 'ap-southeast-1', 'ap-southeast-5'];

// Error codes whose name does not say the parameter they concern.
const FIELD_OF_CODE = {
  'InvalidParam.CodeIllegalDuration': 'EndTime',
  CodeConfigAlreadyExists: 'DstUrl',
};

// The form field that `err` (an ApiError) concerns, among `fields`, or null.
export function fieldOfError(err, fields) {
  const named = FIELD_OF_CODE[err && err.code];
  if (named && fields.includes(named)) return named;
  const match = /^(?:Missing|Invalid)([A-Za-z]+)/.exec((err && err.code) || '');
  return match && fields.includes(match[1]) ? match[1] : null;
}

// The error's words as the API gave them: its message, and the code when the message is empty.
export function errorWords(err) {
  const message = err && err.body && err.body.Message;
  return message ? `${message} (${err.code})` : String((err && err.message) || err);
}

const pad = (n) => String(n).padStart(2, '0');

// A date as a datetime-local input's value, in the browser's zone, to the second.
export function localInput(value) {
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:`
    + `${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

// A datetime-local value (the browser's zone) as the API's UTC time; '' stays ''.
export function fromLocalInput(text) {
  if (!text) return '';
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? text : apiTime(d);
}

// The id, aria-invalid and aria-describedby of field `name` of a form whose ids start with
// `prefix`, given the form's `errors` ({name: words}) and whether the field has a hint.
export function fieldAttrs(prefix, name, errors, hint) {
  const ids = [];
  if (hint) ids.push(`${prefix}-${name}-hint`);
  if (errors[name]) ids.push(`${prefix}-${name}-error`);
  return {
    id: `${prefix}-${name}`,
    'aria-invalid': errors[name] ? 'true' : undefined,
    'aria-describedby': ids.length ? ids.join(' ') : undefined,
  };
}

// A labelled input (or `multiline` textarea) with its hint and its error below it.
export function Field({ prefix, name, label, hint, errors, values, onValue, type = 'text', multiline,
  ...rest }) {
  const attrs = fieldAttrs(prefix, name, errors, hint);
  const onInput = (e) => onValue(name, e.target.value);
  const control = multiline
    ? html`<textarea ...${attrs} ...${rest} value=${values[name]} onInput=${onInput}></textarea>`
    : html`<input ...${attrs} ...${rest} type=${type} value=${values[name]} onInput=${onInput} />`;
  return html`<div class="relays-field">
    <label for=${attrs.id}>${label}</label>
    ${control}
    <${FieldNotes} prefix=${prefix} name=${name} errors=${errors} hint=${hint} />
  </div>`;
}

// A field's hint and error texts, with the ids fieldAttrs points at.
export function FieldNotes({ prefix, name, errors, hint }) {
  return html`${hint && html`<p class="relays-hint" id=${`${prefix}-${name}-hint`}>${hint}</p>`}
    ${errors[name] && html`<p class="relays-field-error" id=${`${prefix}-${name}-error`}>
      <span aria-hidden="true">⚠ </span>${errors[name]}</p>`}`;
}

// After each refused submission (`refusals` counts them), moves the focus to the first field
// of the form in `formRef` marked invalid, as soon as the errors are on the page.
export function useFocusInvalid(formRef, refusals) {
  useLayoutEffect(() => {
    const bad = refusals && formRef.current && formRef.current.querySelector('[aria-invalid="true"]');
    if (bad) bad.focus();
  }, [refusals]);
}

// Splits `err` into {fieldErrors, formError}: beside a field of `fields` when the code names one.
export function placeError(err, fields) {
  const field = fieldOfError(err, fields);
  return field ? { fieldErrors: { [field]: errorWords(err) }, formError: '' }
    : { fieldErrors: {}, formError: errorWords(err) };
}

// A form whose values go to one API call: its values, the API's refusal placed beside the field
// it concerns (or above the fields), busy while the call runs, and the focus moved to the first
// invalid field. `run(call, fields)` awaits `call()`; a refusal goes to `onError` and is placed
// among `fields`. A field's error stays until the next submission, or until the field changes.
export function useApiForm(initial, onError) {
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState({});
  const [formError, setFormError] = useState('');
  const [busy, setBusy] = useState(false);
  const [refusals, setRefusals] = useState(0);
  const formRef = useRef(null);
  useFocusInvalid(formRef, refusals);
  const onValue = (name, value) => {
    setValues((v) => ({ ...v, [name]: value }));
    setErrors((e) => (e[name] ? { ...e, [name]: undefined } : e));
  };
  const run = async (call, fields) => {
    setBusy(true);
    setErrors({});
    setFormError('');
    try {
      await call();
    } catch (err) {
      onError(err);
      const placed = placeError(err, fields);
      setErrors(placed.fieldErrors);
      setFormError(placed.formError);
      setRefusals((n) => n + 1);
    } finally {
      setBusy(false);
    }
  };
  return { values, errors, formError, busy, formRef, onValue, run };
}
