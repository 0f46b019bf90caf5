// The HTTP API, called with the staff bearer token of this browser tab.
// The types are generated from docs/openapi/v1.json into api/types.d.ts (`npm run types`; CI checks they are current).

/** @typedef {import('./api/types').components['schemas']} Schemas */
/** @typedef {Schemas['LoginResponse']} Session */
/** @typedef {Schemas['AlbumPage']} AlbumPage */
/** @typedef {Schemas['CasePageOfCaseSummary']} CasePage */
/** @typedef {Schemas['AgentActionResponse']} AgentAction */
/** @typedef {Schemas['AgentChatResponse']} AgentChatAnswer */
/** @typedef {Schemas['AiModelResponse']} AiModel */
/** @typedef {Schemas['HttpValidationProblemDetails']} Problem */

const tokenKey = 'misty.session';

export class ApiError extends Error {
  constructor(status, title) {
    super(title);
    this.status = status;
  }
}

/** @returns {Session | null} */
export function loadSession() {
  const stored = sessionStorage.getItem(tokenKey);
  if (!stored) return null;
  const session = JSON.parse(stored);
  return new Date(session.expiresAt) > new Date() ? session : null;
}

export function clearSession() {
  sessionStorage.removeItem(tokenKey);
}

/**
 * @param {string} email
 * @param {string} password
 * @returns {Promise<Session>}
 */
export async function login(email, password) {
  /** @type {Session} */
  const session = await call(null, 'POST', '/api/auth/login', { email, password });
  sessionStorage.setItem(tokenKey, JSON.stringify(session));
  return session;
}

/**
 * Ends every token of the signed-in account on the server (all devices), not only this tab's copy.
 * @param {Session} session
 * @returns {Promise<null>}
 */
export function logout(session) {
  return call(session, 'POST', '/api/auth/logout');
}

/**
 * @param {Session} session
 * @param {string} search
 * @returns {Promise<AlbumPage>}
 */
export function searchAlbums(session, search) {
  const query = new URLSearchParams({ search, pageSize: '25' });
  return call(session, 'GET', `/api/albums?${query}`);
}

/**
 * @param {Session} session
 * @param {{ status?: string, page?: number, pageSize?: number }} query
 * @returns {Promise<CasePage>}
 */
export function listCases(session, query = {}) {
  return call(session, 'GET', withQuery('/api/cases', query));
}

/** Any API call of the console's pages: the answer's JSON, or an ApiError with the problem's text. */
export function request(session, method, path, body) {
  return call(session, method, path, body);
}

/** A path with its query string, leaving out empty values. */
export function withQuery(path, values) {
  const query = new URLSearchParams(Object.entries(values).filter(([, value]) => value !== undefined && value !== null && value !== ''));
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

/**
 * @param {Session} session
 * @returns {Promise<AgentAction[]>}
 */
export function listAgentActions(session) {
  return call(session, 'GET', '/api/agent-actions?limit=100');
}

/**
 * @param {Session} session
 * @param {string} actionId
 * @param {'approve' | 'reject'} decision
 * @returns {Promise<AgentAction>}
 */
export function decideAgentAction(session, actionId, decision) {
  return call(session, 'POST', `/api/agent-actions/${encodeURIComponent(actionId)}/${decision === 'approve' ? 'approve' : 'reject'}`);
}

/**
 * One message to the assistant; sessionId continues a conversation.
 * @param {Session} session
 * @param {string | null} sessionId
 * @param {string} message
 * @returns {Promise<AgentChatAnswer>}
 */
export function chatWithAgent(session, sessionId, message) {
  return call(session, 'POST', '/api/agents/chat', sessionId ? { sessionId, message } : { message });
}

/**
 * The configured chat models (admins only).
 * @param {Session} session
 * @returns {Promise<AiModel[]>}
 */
export function listAiModels(session) {
  return call(session, 'GET', '/api/ai/models');
}

async function call(session, method, path, body) {
  const headers = { Accept: 'application/json' };
  if (session) headers.Authorization = `Bearer ${session.accessToken}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!response.ok) {
    // Problem details name the error; anything else is reported by its status.
    /** @type {Problem | null} */
    const problem = await response.json().catch(() => null);
    // A validation problem names each field and its reason: the page shows them all.
    const fields = Object.entries(problem?.errors ?? {}).map(([field, reasons]) => `${field}: ${[].concat(reasons).join(' ')}`);
    const text = [problem?.title ?? `${method} ${path} answered ${response.status}.`, problem?.detail, ...fields].filter(Boolean).join(' ');
    throw new ApiError(response.status, text);
  }
  return response.status === 204 ? null : response.json();
}
