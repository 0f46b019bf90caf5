// The reorder queue page: lines paged by the server, filtered by status and priority, with what each role may do to a
// line (managers approve or dismiss, staff place the order with the supplier and receive the goods). A ReorderChanged
// or ReorderQueued event re-reads the page shown.
import { request, withQuery } from '../api.js';
import { empty, fill, formatCount, formatMoney, h } from '../dom.js';
import { choice, pager } from './orders.js';

const pageSize = 25;
const statuses = ['', 'pending', 'approved', 'ordered', 'received', 'dismissed'];
const priorities = ['', 'critical', 'high', 'medium', 'low'];

export function createReorders(root, { session, model, onError }) {
  const status = choice('reorder-status', 'Status', statuses);
  const priority = choice('reorder-priority', 'Priority', priorities);
  const results = h('div', {}, empty('Loading the reorder queue…'));
  const manager = ['manager', 'admin'].includes(session.role);
  let page = 1;
  let left = false;

  const load = () => request(session, 'GET', withQuery('/api/reorder-queue', { status: status.field.value, priority: priority.field.value, page, pageSize }))
    .then((answer) => { if (!left) render(answer); }, onError);

  const act = (button, path, payload) => {
    button.disabled = true;
    return request(session, 'POST', path, payload).then(load, onError).finally(() => { button.disabled = false; });
  };

  const actions = (line) => {
    const base = `/api/reorder-queue/${line.reorderId}`;
    const button = (label, path, extra = {}) => h('button', { type: 'button', ...extra, onclick: (event) => act(event.currentTarget, path) }, label);
    if (line.status === 'ordered') return receiveForm(line, base);
    return [
      manager && line.status === 'pending' ? button('Approve', `${base}/approve`) : null,
      line.status === 'approved' ? button('Order from the supplier', `${base}/order`) : null,
      manager && ['pending', 'approved'].includes(line.status) ? button('Dismiss', `${base}/dismiss`, { class: 'secondary' }) : null,
    ];
  };

  const receiveForm = (line, base) => {
    const id = `receive-${line.reorderId}`;
    const quantity = h('input', { id, type: 'number', min: 1, max: line.recommendedQuantity - line.receivedQuantity, required: true, value: line.recommendedQuantity - line.receivedQuantity, class: 'short' });
    const form = h('form', { class: 'inline', onsubmit: (event) => {
      event.preventDefault();
      act(form.querySelector('button'), `${base}/receive`, { quantity: Number(quantity.value) });
    } }, h('label', { for: id }, 'Units received'), quantity, h('button', { type: 'submit' }, 'Receive'));
    return form;
  };

  const render = ({ items, total }) => fill(results,
    items.length === 0 ? empty('No reorder line matches.') : h('table', {},
      h('thead', {}, h('tr', {}, ['Album', 'Supplier', 'Priority', 'Status'].map((name) => h('th', { scope: 'col' }, name)),
        ['Quantity', 'Received', 'Cost'].map((name) => h('th', { scope: 'col', class: 'number' }, name)), h('th', { scope: 'col' }, 'Why'), h('th', { scope: 'col' }, 'Action'))),
      h('tbody', {}, items.map((line) => h('tr', { dataset: { reorderId: line.reorderId, status: line.status } },
        h('th', { scope: 'row' }, h('a', { href: `#/album/${line.albumId}` }, line.title), h('div', { class: 'card-note' }, line.sku)),
        h('td', {}, line.supplierName ?? '–'), h('td', {}, line.priority), h('td', { dataset: { field: 'status' } }, line.status),
        h('td', { class: 'number' }, formatCount(line.recommendedQuantity)), h('td', { class: 'number', dataset: { field: 'received' } }, formatCount(line.receivedQuantity)),
        h('td', { class: 'number' }, line.totalCost === null || line.totalCost === undefined ? '–' : formatMoney(line.totalCost)),
        h('td', { class: 'card-note' }, line.insight ?? ''),
        h('td', {}, actions(line)))))),
    pager(page, Math.max(1, Math.ceil(total / pageSize)), (next) => { page = next; load(); }));

  const form = h('form', { class: 'search', onsubmit: (event) => { event.preventDefault(); page = 1; load(); } },
    status.label, status.field, priority.label, priority.field, h('button', { type: 'submit' }, 'Filter'));
  fill(root, h('h1', { tabindex: '-1' }, 'Reorder queue'), form, results);

  // A line changed by anyone (here, on another page, by the nightly run) re-reads the page once per burst of events.
  let seen = versions(model);
  let timer = 0;
  const stopFeed = model.onChange(() => {
    const now = versions(model);
    if (now === seen) return;
    seen = now;
    clearTimeout(timer);
    timer = setTimeout(load, 300);
  });
  load();
  return () => {
    left = true;
    clearTimeout(timer);
    stopFeed();
  };
}

const versions = (model) => [...model.lists.get('ReorderChanged').values()].map((line) => `${line.reorderId}:${line.version}`).join(',');
