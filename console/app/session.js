// The signed-in AccessKey, in this page's memory only: {keyId, key (a non-extractable CryptoKey),
// expiresAt}. Nothing is written to storage, so closing or reloading the page signs out, and a
// session ends by itself after SESSION_MS (docs/console.md "Sign-in and safety").
import { importSecret, callApi } from './api.js';

export const SESSION_MS = 8 * 3600 * 1000;

// Checks the pair with a harmless signed call and resolves with the session, or rejects with the
// API's error (a wrong AccessKeyId or secret: InvalidAccessKeyId.NotFound, SignatureDoesNotMatch).
export async function signIn(keyId, secret) {
  const credentials = { keyId: keyId.trim(), key: await importSecret(secret) };
  await callApi(credentials, 'DescribeLivePullToPushList', { Region: 'cn-shanghai', PageSize: '1' });
  return { ...credentials, expiresAt: Date.now() + SESSION_MS };
}

export function expired(session) {
  return !session || Date.now() >= session.expiresAt;
}
