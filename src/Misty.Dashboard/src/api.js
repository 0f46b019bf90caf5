// The HTTP API, called with the staff bearer token of this browser tab.

const tokenKey = 'misty.session';

export class ApiError extends Error {
  constructor(status, title) {
    super(title);
    this.status = status;
  }
}

export function loadSession() {
  const stored = sessionStorage.getItem(tokenKey);
  if (!stored) return null;
  const session = JSON.parse(stored);
  return new Date(session.expiresAt) > new Date() ? session : null;
}

export function clearSession() {
  sessionStorage.removeItem(tokenKey);
}

export async function login(email, password) {
  const session = await call(null, 'POST', '/api/auth/login', { email, password });
  sessionStorage.setItem(tokenKey, JSON.stringify(session));
  return session;
}

export function searchAlbums(session, search) {
  const query = new URLSearchParams({ search, pageSize: '25' });
  return call(session, 'GET', `/api/albums?${query}`);
}

export function listCases(session) {
  return call(session, 'GET', '/api/cases');
}

export function listAgentActions(session) {
  return call(session, 'GET', '/api/agent-actions?limit=100');
}

export function decideAgentAction(session, actionId, decision) {
  return call(session, 'POST', `/api/agent-actions/${encodeURIComponent(actionId)}/${decision === 'approve' ? 'approve' : 'reject'}`);
}

async function call(session, method, path, body) {
  const headers = { Accept: 'application/json' };
  if (session) headers.Authorization = `Bearer ${session.accessToken}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!response.ok) {
    // Problem details name the error; anything else is reported by its status.
    const problem = await response.json().catch(() => null);
    throw new ApiError(response.status, problem?.title ?? `${method} ${path} answered ${response.status}.`);
  }
  return response.json();
}
