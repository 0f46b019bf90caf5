// The audit trail for admins: who did what to which entity and when, searchable and paged by the server.
import { request, withQuery } from '../api.js';
import { empty, fill, h } from '../dom.js';
import { pager } from './orders.js';

const pageSize = 50;

export function createAudit(root, { session, onError }) {
  const fields = [['audit-actor', 'Actor', 'actor'], ['audit-action', 'Action starts with', 'action'], ['audit-entity', 'Entity id or text', 'entity']]
    .map(([id, label, name]) => ({ name, label: h('label', { for: id }, label), field: h('input', { id, maxlength: 200 }) }));
  const results = h('div', {}, empty('Loading the audit trail…'));
  let page = 1;

  const load = () => request(session, 'GET', withQuery('/api/audit', {
    ...Object.fromEntries(fields.map(({ name, field }) => [name, field.value.trim()])), page, pageSize,
  })).then(({ items, total }) => fill(results,
    items.length === 0 ? empty('No entries match.') : h('table', {},
      h('thead', {}, h('tr', {}, ['When', 'Actor', 'Action', 'What'].map((name) => h('th', { scope: 'col' }, name)))),
      h('tbody', {}, items.map((entry) => h('tr', { dataset: { action: entry.action ?? '' } },
        h('td', {}, new Date(entry.createdAt).toLocaleString()), h('td', {}, entry.actor ?? '–'), h('td', {}, entry.action ?? '–'),
        h('td', {}, entry.message))))),
    pager(page, Math.max(1, Math.ceil(total / pageSize)), (next) => { page = next; load(); })), onError);

  const form = h('form', { class: 'search', onsubmit: (event) => { event.preventDefault(); page = 1; load(); } },
    fields.flatMap(({ label, field }) => [label, field]), h('button', { type: 'submit' }, 'Search'));
  fill(root, h('h1', { tabindex: '-1' }, 'Audit log'), form, results);
  load();
  return () => {};
}
