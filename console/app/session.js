// The signed-in AccessKey, in this page's memory only: {keyId, key (a non-extractable CryptoKey),
// expiresAt}. Nothing is written to storage, so closing or reloading the page signs out, and a
// session ends by itself after SESSION_MS (docs/console.md "Sign-in and safety").
import { importSecret, callApi, ApiError } from './api.js';

export const SESSION_MS = 8 * 3600 * 1000;

// The API's answers to a request whose key or signature it does not accept.
const REFUSED = /^(InvalidAccessKeyId|SignatureDoesNotMatch|IncompleteSignature|SignatureNonceUsed|IllegalTimestamp)/;

// Whether `err` says the AccessKey pair (or this browser's clock) was not accepted.
export function refusedKey(err) {
  return err instanceof ApiError && REFUSED.test(err.code);
}

// Checks the pair with a harmless signed call and resolves with the session, or rejects with the
// API's error (a wrong AccessKeyId or secret: InvalidAccessKeyId.NotFound, SignatureDoesNotMatch).
// Any other answer means the signature was accepted.
export async function signIn(keyId, secret) {
  const credentials = { keyId: keyId.trim(), key: await importSecret(secret) };
  try {
    await callApi(credentials, 'DescribeLivePullToPushList', { Region: 'cn-shanghai', PageSize: '1' });
  } catch (err) {
    if (!(err instanceof ApiError) || refusedKey(err)) throw err;
  }
  return { ...credentials, expiresAt: Date.now() + SESSION_MS };
}

export function expired(session) {
  return !session || Date.now() >= session.expiresAt;
}
