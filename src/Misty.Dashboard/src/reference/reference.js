// The interactive API reference: the OpenAPI document, read with the caller's own credentials (a staff member signed in
// on the dashboard in this tab, or a developer's storefront key), rendered by Scalar's standalone bundle, which Misty.Web
// serves from the Scalar.AspNetCore package. Staff get the whole document; a storefront key gets its own part of it.
import './reference.css';

const sessionKey = 'misty.session';
const apiKeyKey = 'misty.apiKey';
const status = document.getElementById('reference-status');
const keyForm = document.getElementById('key-form');
const keyField = document.getElementById('api-key');

function credentials() {
  const stored = JSON.parse(sessionStorage.getItem(sessionKey) ?? 'null');
  if (stored && new Date(stored.expiresAt) > new Date()) return { scheme: 'bearer', headers: { Authorization: `Bearer ${stored.accessToken}` }, token: stored.accessToken };
  const key = sessionStorage.getItem(apiKeyKey);
  if (key) return { scheme: 'apiKey', headers: { 'X-Api-Key': key }, token: key };
  return null;
}

async function show() {
  const caller = credentials();
  if (!caller) {
    status.textContent = 'Sign in on the dashboard first (staff), or give a storefront key (developers): the document is read with your credentials.';
    return;
  }
  status.textContent = 'Loading the API document…';
  const response = await fetch('/openapi/v1.json', { headers: { Accept: 'application/json', ...caller.headers } });
  if (!response.ok) {
    const problem = await response.json().catch(() => null);
    status.textContent = `The API document could not be read: ${problem?.title ?? `the server answered ${response.status}`}.`;
    if (response.status === 401 && caller.scheme === 'apiKey') sessionStorage.removeItem(apiKeyKey);
    return;
  }
  const spec = await response.json();
  status.textContent = caller.scheme === 'bearer' ? 'Signed in as staff: the whole API.' : 'With a storefront key: the operations a storefront may call.';
  window.Scalar.createApiReference('#app', {
    content: spec,
    // Fonts, proxies, telemetry and the hosted AI and MCP features would use Scalar's servers: all off, so the page
    // needs nothing but this server.
    withDefaultFonts: false,
    telemetry: false,
    agent: { disabled: true },
    mcp: { disabled: true },
    showDeveloperTools: 'never',
    hideClientButton: true,
    // Opened at the top: a reader finds an operation by its tag or the search.
    defaultOpenAllTags: false,
    authentication: {
      preferredSecurityScheme: caller.scheme,
      securitySchemes: caller.scheme === 'bearer' ? { bearer: { token: caller.token } } : { apiKey: { value: caller.token } },
    },
  });
}

keyForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const key = keyField.value.trim();
  if (!key) return;
  sessionStorage.setItem(apiKeyKey, key);
  // A key given here is for this page: it replaces a staff session only when none is signed in.
  location.reload();
});

show().catch((error) => { status.textContent = `The API reference could not be shown: ${error.message}`; });
