// Insights: merchandising suggestions (pricing, promotion, customer win-back, and the reorder queue's explanations)
// listed by type and status from the API; managers accept, dismiss or schedule the open ones. The list follows
// InsightChanged live: the count of open insights moves at once and the page re-reads the list after a change.
import { request, withQuery } from '../api.js';
import { empty, fill, h, unavailable } from '../dom.js';
import { choice, pager } from './orders.js';

const types = ['', 'pricing', 'promotion', 'customer', 'reorder'];
const statuses = ['pending', 'accepted', 'dismissed', 'scheduled', ''];
const impacts = ['high', 'medium', 'low'];
const pageSize = 50;
const settleMs = 400;

/** The open insights the live feed knows: pending and not expired, most impact first, then the surest. */
export function openInsights(model, now = Date.now()) {
  return [...model.lists.get('InsightChanged').values()]
    .filter((insight) => insight.status === 'pending' && (!insight.expiresAt || Date.parse(insight.expiresAt) > now))
    .sort((a, b) => impacts.indexOf(a.impact) - impacts.indexOf(b.impact) || b.confidenceScore - a.confidenceScore);
}

/** A fingerprint of the live insights: it changes when any of them does. */
export function insightVersions(model) {
  return [...model.lists.get('InsightChanged').values()].map((insight) => `${insight.recommendationId}:${insight.version}`).sort().join(',');
}

const today = () => new Date().toISOString().slice(0, 10);

export function createInsights(root, { session, model, onError }) {
  const manager = ['manager', 'admin'].includes(session.role);
  const type = choice('insight-type', 'Type', types);
  const status = choice('insight-status', 'Status', statuses);
  const live = h('p', { class: 'card-note', 'aria-live': 'polite', dataset: { field: 'open-count' } });
  const results = h('div', {}, empty('Loading insights…'));
  let page = 1;
  let seen = insightVersions(model);
  let timer = null;

  const load = () => request(session, 'GET', withQuery('/api/insights', { type: type.field.value, status: status.field.value, page, pageSize }))
    .then(render, (error) => (error.status === 404 ? fill(results, unavailable('Insights')) : onError(error)));

  const decide = (button, insight, action, body) => {
    button.disabled = true;
    return request(session, 'POST', `/api/insights/${encodeURIComponent(insight.recommendationId)}/${action}`, body)
      .then(load, (error) => {
        onError(error);
        load();
      });
  };

  const actions = (insight) => {
    if (!manager || insight.status !== 'pending' || insight.recommendationType === 'reorder') return null;
    const id = `schedule-${insight.recommendationId}`;
    const date = h('input', { id, type: 'date', min: today(), value: today() });
    return h('div', { class: 'actions' },
      h('button', { type: 'button', onclick: (event) => decide(event.currentTarget, insight, 'accept') }, 'Accept'),
      h('button', { type: 'button', class: 'secondary', onclick: (event) => decide(event.currentTarget, insight, 'dismiss') }, 'Dismiss'),
      h('label', { for: id, class: 'visually-hidden' }, `Schedule ${insight.subject ?? 'this insight'} for`), date,
      h('button', { type: 'button', class: 'secondary', onclick: (event) => decide(event.currentTarget, insight, 'schedule', { date: date.value }) }, 'Schedule'));
  };

  const render = ({ items, total }) => {
    fill(results,
      items.length === 0 ? empty('No insights match.') : h('table', {},
        h('caption', { class: 'visually-hidden' }, 'Insights'),
        h('thead', {}, h('tr', {}, ['Type', 'About', 'Insight', 'Impact', 'Confidence', 'Status', ''].map((name) => h('th', { scope: 'col' }, name)))),
        h('tbody', {}, items.map((insight) => h('tr', { dataset: { recommendationId: insight.recommendationId } },
          h('td', {}, insight.recommendationType),
          h('th', { scope: 'row' }, insight.subject ?? '–'),
          h('td', {}, insight.insight ?? insight.recommendation, h('div', { class: 'card-note' }, insight.recommendation)),
          h('td', {}, insight.impact),
          h('td', { class: 'number' }, `${insight.confidenceScore}`),
          h('td', { dataset: { field: 'status' } }, insight.status, insight.scheduledFor ? ` for ${insight.scheduledFor}` : ''),
          h('td', {}, actions(insight)))))),
      pager(page, Math.max(1, Math.ceil(total / pageSize)), (next) => { page = next; load(); }));
  };

  const showLive = () => {
    live.textContent = model.feeds.has('InsightChanged') ? `${openInsights(model).length} open insight(s), live.` : '';
  };

  // A nightly run changes many insights at once: re-read the list once they settle.
  const stop = model.onChange(() => {
    showLive();
    const now = insightVersions(model);
    if (now === seen) return;
    seen = now;
    clearTimeout(timer);
    timer = setTimeout(load, settleMs);
  });

  const form = h('form', { class: 'search', onsubmit: (event) => { event.preventDefault(); page = 1; load(); } },
    type.label, type.field, status.label, status.field, h('button', { type: 'submit' }, 'Filter'));
  fill(root, h('h1', { tabindex: '-1' }, 'Insights'), live, form, results);
  showLive();
  load();
  return () => {
    stop();
    clearTimeout(timer);
  };
}
