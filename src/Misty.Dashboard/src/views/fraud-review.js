// Fraud review: the orders held for review, paged by the server (/api/orders/held), each with its score, every reason
// and its points, and the basket; managers approve (the payment is charged) or decline (the order is cancelled). A new
// FraudAlert, or an order leaving the queue (its OrderChanged), re-reads the page shown.
import { request, withQuery } from '../api.js';
import { empty, fill, formatMoney, h } from '../dom.js';
import { pager } from './orders.js';

const pageSize = 25;

export function createFraudReview(root, { session, model, onError }) {
  const list = h('div', {}, empty('Loading the held orders…'));
  const manager = ['manager', 'admin'].includes(session.role);
  fill(root, h('h1', { tabindex: '-1' }, 'Fraud review'),
    h('p', { class: 'card-note' }, manager ? 'Orders held for review, oldest first. Approve to charge the payment, decline to cancel the order and release its stock.'
      : 'Orders held for review, oldest first. A manager approves or declines them.'),
    list);
  // Each order's detail is read once (a held order does not change until it is decided) and kept by order id.
  const orders = new Map();
  const decided = new Set();
  let left = false;

  const read = (orderId) => {
    if (orders.has(orderId)) return;
    orders.set(orderId, null);
    request(session, 'GET', `/api/orders/${encodeURIComponent(orderId)}`).then((order) => {
      orders.set(orderId, order);
      if (!left) render();
    }, (error) => {
      orders.delete(orderId);
      onError(error);
    });
  };

  const decide = (button, order, approve) => {
    for (const other of button.closest('.actions').querySelectorAll('button')) other.disabled = true;
    request(session, 'POST', `/api/orders/${order.orderId}/fraud-review`, { approve }).then((answer) => {
      decided.add(order.orderId);
      orders.set(order.orderId, answer);
      if (!left) render();
    }, (error) => {
      for (const other of button.closest('.actions').querySelectorAll('button')) other.disabled = false;
      onError(error);
    });
  };

  const card = (alert) => {
    const order = orders.get(alert.orderId);
    const payment = order?.payments.find((entry) => entry.paymentId === alert.paymentId) ?? order?.payments.find((entry) => entry.fraudFlagged);
    const heading = h('h2', {}, h('a', { href: `#/order/${alert.orderId}` }, order ? `Order ${order.orderNumber}` : 'Order'), ` · score ${alert.fraudScore}`);
    if (!order) return h('section', { class: 'card alert', dataset: { orderId: alert.orderId } }, heading, empty('Loading…'));
    const done = decided.has(order.orderId);
    return h('section', { class: 'card alert', 'aria-label': `Order ${order.orderNumber}`, dataset: { orderId: order.orderId } },
      heading,
      h('p', { class: 'card-note' }, `${formatMoney(order.total)} · ${order.channel} · placed ${new Date(order.orderDate).toLocaleString()} · `,
        h('a', { href: `#/customers/${order.customerId}` }, 'the customer')),
      h('table', { class: 'reasons' },
        h('caption', { class: 'visually-hidden' }, 'Why the payment was held, with the points of each reason'),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col', class: 'number' }, 'Points'), h('th', { scope: 'col' }, 'Reason'))),
        h('tbody', {}, (payment?.fraudReasons ?? []).map((reason) => h('tr', { dataset: { reason: reason.code } },
          h('td', { class: 'number' }, reason.points > 0 ? `+${reason.points}` : String(reason.points)), h('td', {}, reason.detail))))),
      done
        ? h('p', { dataset: { field: 'decision' } }, order.status === 'cancelled' ? 'Declined: the order is cancelled.' : `Approved: the order is ${order.status}.`)
        : manager
          ? h('div', { class: 'actions' },
            h('button', { type: 'button', onclick: (event) => decide(event.currentTarget, order, true) }, 'Approve and charge'),
            h('button', { type: 'button', class: 'secondary', onclick: (event) => decide(event.currentTarget, order, false) }, 'Decline'))
          : null);
  };

  let page = 1;
  let shown = null;
  const load = () => request(session, 'GET', withQuery('/api/orders/held', { page, pageSize })).then((answer) => {
    shown = answer;
    if (!left) render();
  }, (error) => {
    if (!shown) fill(list, empty(error.message));
    onError(error);
  });

  const render = () => {
    if (!shown) return;
    // Decided orders stay on the page, with the decision, until the page is left.
    const alerts = [...shown.items];
    for (const orderId of decided) {
      if (!alerts.some((alert) => alert.orderId === orderId)) alerts.push({ orderId, paymentId: null, fraudScore: orders.get(orderId)?.payments.find((p) => p.fraudFlagged)?.fraudScore ?? '–', occurredAt: '' });
    }
    alerts.sort((a, b) => String(a.occurredAt).localeCompare(String(b.occurredAt)));
    alerts.forEach((alert) => read(alert.orderId));
    const pages = Math.max(1, Math.ceil(shown.total / pageSize));
    fill(list, alerts.length === 0 ? empty('No order is held for review.') : alerts.map(card),
      shown.total > pageSize || page > 1 ? pager(page, pages, (next) => { page = next; load(); }) : null);
  };

  load();
  // Metrics and stock events arrive by the dozen: read the page again only when the queue itself changed.
  const queue = () => [...model.lists.get('FraudAlert').keys()].join(',');
  let drawn = queue();
  let timer = 0;
  const stop = model.onChange(() => {
    if (queue() === drawn) return;
    drawn = queue();
    clearTimeout(timer);
    timer = setTimeout(load, 300);
  });
  return () => {
    left = true;
    clearTimeout(timer);
    stop();
  };
}
