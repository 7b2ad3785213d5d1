// The session lives in this module's closure only: never in localStorage, sessionStorage or on window.
let accessToken = null;
let identity = null;

export const currentIdentity = () => identity;

export function signOut() {
  accessToken = null;
  identity = null;
}

// POST /api/auth/login. Resolves with the identity, or rejects with an Error carrying the server's message.
export async function signIn(username, password) {
  let response;
  try {
    response = await fetch('/api/auth/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      credentials: 'same-origin',
      body: JSON.stringify({ username, password }),
    });
  } catch {
    throw new Error('Could not reach the server.');
  }
  if (response.ok) {
    const body = await response.json();
    accessToken = body.access_token;
    identity = body.identity;
    return identity;
  }
  const problem = await response.json().catch(() => ({}));
  if (response.status === 429) {
    const retry = response.headers.get('Retry-After');
    throw new Error(problem.detail || `Too many attempts. Try again in ${retry ?? 'a few'} seconds.`);
  }
  throw new Error(problem.detail || `Sign-in failed (${response.status}).`);
}

// GETs a JSON resource with the bearer token. The remotes get this function, never the token.
export async function fetchJson(path) {
  if (!accessToken) throw new Error('Not signed in.');
  const response = await fetch(path, {
    headers: { Authorization: `Bearer ${accessToken}`, Accept: 'application/json' },
  });
  if (response.status === 401) {
    signOut();
    throw Object.assign(new Error('Your session has expired.'), { status: 401 });
  }
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    throw Object.assign(new Error(problem.detail || `Request failed (${response.status}).`), {
      status: response.status,
    });
  }
  return response.json();
}
