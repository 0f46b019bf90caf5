// The staff dashboard: sign in, then one live connection feeds every view.
import './styles.css';
import { clearSession, loadSession, logout } from './api.js';
import { fill, h } from './dom.js';
import { LiveClient } from './live/live-client.js';
import { DashboardModel } from './model.js';
import { createAgentActions } from './views/agent-actions.js';
import { createAlbumDetail } from './views/album.js';
import { createAudit } from './views/audit.js';
import { createCaseDetail } from './views/case-detail.js';
import { createCaseBoard } from './views/cases.js';
import { createCustomerDetail, createCustomers } from './views/customers.js';
import { createFraudReview } from './views/fraud-review.js';
import { createInsights } from './views/insights.js';
import { createInventory } from './views/inventory.js';
import { createKnowledge } from './views/knowledge.js';
import { createLogin } from './views/login.js';
import { createOrderDetail, createOrders } from './views/orders.js';
import { createOverview } from './views/overview.js';
import { createReorders } from './views/reorders.js';
import { createReports } from './views/reports.js';
import { createWorkflows } from './views/workflows.js';

const routes = {
  overview: { title: 'Overview', create: (root, app) => createOverview(root, app) },
  inventory: { title: 'Inventory', create: (root, app) => createInventory(root, app) },
  cases: { title: 'Case board', create: (root, app) => createCaseBoard(root, app) },
  orders: { title: 'Orders', create: (root, app) => createOrders(root, app) },
  fraud: { title: 'Fraud review', create: (root, app) => createFraudReview(root, app) },
  reorders: { title: 'Reorder queue', create: (root, app) => createReorders(root, app) },
  customers: { title: 'Customers', create: (root, app) => createCustomers(root, app) },
  workflows: { title: 'Workflows', create: (root, app) => createWorkflows(root, app) },
  knowledge: { title: 'Knowledge', create: (root, app) => createKnowledge(root, app) },
  insights: { title: 'Insights', create: (root, app) => createInsights(root, app) },
  reports: { title: 'Reports', roles: ['manager', 'admin'], create: (root, app) => createReports(root, app) },
  audit: { title: 'Audit log', roles: ['admin'], create: (root, app) => createAudit(root, app) },
  agents: { title: 'Agent actions', create: (root, app) => createAgentActions(root, app) },
};

// Pages opened from a list (#/case/<id>): not in the navigation.
const details = {
  album: { title: 'Album', parent: 'inventory', create: (root, app, id) => createAlbumDetail(root, app, id) },
  case: { title: 'Case', parent: 'cases', create: (root, app, id) => createCaseDetail(root, app, id) },
  order: { title: 'Order', parent: 'orders', create: (root, app, id) => createOrderDetail(root, app, id) },
  customers: { title: 'Customer', parent: 'customers', create: (root, app, id) => createCustomerDetail(root, app, id) },
};

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const status = document.getElementById('status');
const problems = document.getElementById('problems');
let app = null;

function start(session) {
  const model = new DashboardModel();
  const live = new LiveClient(() => session.accessToken, (text) => { status.textContent = text; });
  const current = { session, model, live, leave: null, watches: new Map(), onError: report };
  app = current;
  // The low-stock list follows each of its albums, so stock is live there too.
  model.onChange(() => followLowStock(current));
  live.start()
    .then(() => live.followDashboard({
      onSnapshot: (snapshot) => model.applySnapshot(snapshot),
      onEvent: (name, event) => model.applyEvent(name, event),
      onError: report,
    }))
    .catch(report);
  renderNav(true);
  show();
}

function followLowStock(current) {
  const wanted = current.model.lowStock;
  for (const [albumId, stop] of current.watches) {
    if (!wanted.has(albumId)) {
      stop();
      current.watches.delete(albumId);
    }
  }
  for (const albumId of wanted.keys()) {
    if (!current.watches.has(albumId)) current.watches.set(albumId, current.live.watchAlbum(albumId, (stock) => current.model.applyStock(stock)));
  }
}

function show() {
  if (!app) return;
  const [path, id] = (location.hash.replace(/^#\/?/, '') || 'overview').split('/');
  const detail = id ? details[path] : undefined;
  const name = detail ? detail.parent : allowed(routes[path]) ? path : 'overview';
  const route = detail ?? routes[name];
  app.leave?.();
  const view = h('div');
  fill(main, view);
  app.leave = route.create(view, app, id && decodeURIComponent(id));
  document.title = `${route.title} · Misty`;
  for (const link of nav.querySelectorAll('a')) {
    if (link.getAttribute('href') === `#/${name}`) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  // Keyboard and screen-reader users land on the new view's heading.
  view.querySelector('h1')?.focus();
}

function signOut() {
  clearSession();
  app?.leave?.();
  app?.live.stop();
  app = null;
  renderNav(false);
  status.textContent = '';
  createLogin(main, start);
}

/** The Sign out button: the server ends the token first, so a copy of it left anywhere stops working too. */
async function signOutEverywhere() {
  const session = app?.session;
  let failure = null;
  // A 401 means the token is dead already: nothing left to end.
  if (session) await logout(session).catch((error) => { if (error?.status !== 401) failure = error; });
  signOut();
  if (failure) problems.textContent = `Signed out here, but the server could not end the session: ${failure.message}`;
}

function report(error) {
  // An expired token: the API answers 401, and so does the hub's negotiation (SignalR's HttpError.statusCode).
  if (error?.status === 401 || error?.statusCode === 401) return signOut();
  problems.textContent = error?.message ?? String(error);
}

function renderNav(signedIn) {
  fill(nav, signedIn
    ? [
        h('ul', {}, Object.entries(routes).filter(([, route]) => allowed(route))
          .map(([name, route]) => h('li', {}, h('a', { href: `#/${name}` }, route.title))),
          // The interactive reference of the HTTP API: its own page, served by Misty.Web from its own files.
          h('li', {}, h('a', { href: '/api-reference/' }, 'API reference'))),
        h('button', { type: 'button', onclick: signOutEverywhere }, 'Sign out'),
      ]
    : []);
}

/** Pages for managers or admins only: the API refuses the others anyway, the navigation does not offer them. */
function allowed(route) {
  return route !== undefined && (!route.roles || route.roles.includes(app?.session.role));
}

window.addEventListener('hashchange', show);
const session = loadSession();
if (session) start(session);
else signOut();
