// Talks to conch's HTTP API on the same origin. Writes carry the token that the server put into the
// page (a cookie alone never authorises a write).
const TOKEN_HEADER = 'X-Conch-Token';

export function token() {
  const meta = document.querySelector('meta[name="conch-token"]');
  return meta ? meta.getAttribute('content') : '';
}

async function reply(response) {
  const text = await response.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch (e) {
    body = { error: text };
  }
  if (!response.ok) {
    throw new Error((body && body.error) || `${response.status} ${response.statusText}`);
  }
  return body;
}

export async function get(path) {
  // the token too: private messages are read by the local client only
  return reply(await fetch(path, { headers: { Accept: 'application/json', [TOKEN_HEADER]: token() } }));
}

export async function post(path, body) {
  return reply(await fetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', [TOKEN_HEADER]: token() },
    body: JSON.stringify(body),
  }));
}

/** Stores a file as a blob on this server; answers `{id, size}`. */
export async function upload(file) {
  return reply(await fetch('/api/blobs', {
    method: 'POST',
    headers: { 'Content-Type': file.type || 'application/octet-stream', Accept: 'application/json', [TOKEN_HEADER]: token() },
    body: file,
  }));
}

/** A query string of the defined parameters. */
export function query(params) {
  const defined = Object.entries(params).filter(([, v]) => v !== undefined && v !== null);
  return defined.length ? '?' + new URLSearchParams(defined).toString() : '';
}

export const enc = encodeURIComponent;
