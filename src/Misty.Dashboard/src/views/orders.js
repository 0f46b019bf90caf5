// Orders: a list paged by the server with filters, and one order's detail with the actions each role may take
// (cancel, ship, refund, and the fraud review of a held order).
import { request, withQuery } from '../api.js';
import { empty, fill, formatMoney, h } from '../dom.js';

const statuses = ['', 'pending', 'processing', 'shipped', 'delivered', 'cancelled'];
const channels = ['', 'in-store', 'online', 'phone', 'corporate'];
const pageSize = 25;

export function createOrders(root, { session, onError }) {
  const status = choice('order-status', 'Status', statuses);
  const channel = choice('order-channel', 'Channel', channels);
  const results = h('div', {}, empty('Loading orders…'));
  let page = 1;

  const load = () => request(session, 'GET', withQuery('/api/orders', { status: status.field.value, channel: channel.field.value, page, pageSize }))
    .then((answer) => render(answer), onError);

  const render = ({ items, total }) => {
    const pages = Math.max(1, Math.ceil(total / pageSize));
    fill(results,
      items.length === 0 ? empty('No orders match.') : h('table', {},
        h('thead', {}, h('tr', {}, ['Order', 'Date', 'Channel', 'Status'].map((name) => h('th', { scope: 'col' }, name)), h('th', { scope: 'col', class: 'number' }, 'Total'))),
        h('tbody', {}, items.map((order) => h('tr', { dataset: { orderId: order.orderId } },
          h('th', { scope: 'row' }, h('a', { href: `#/order/${order.orderId}` }, order.orderNumber)),
          h('td', {}, new Date(order.orderDate).toLocaleString()), h('td', {}, order.channel), h('td', { dataset: { field: 'status' } }, order.status),
          h('td', { class: 'number' }, formatMoney(order.total)))))),
      pager(page, pages, (next) => { page = next; load(); }));
  };

  const form = h('form', { class: 'search', onsubmit: (event) => { event.preventDefault(); page = 1; load(); } },
    status.label, status.field, channel.label, channel.field, h('button', { type: 'submit' }, 'Filter'));
  fill(root, h('h1', { tabindex: '-1' }, 'Orders'), form, results);
  load();
  return () => {};
}

export function createOrderDetail(root, { session, onError }, orderId) {
  const body = h('div', {}, empty('Loading the order…'));
  const title = h('h1', { tabindex: '-1' }, 'Order');
  fill(root, h('p', {}, h('a', { href: '#/orders' }, '← Orders')), title, body);
  const manager = ['manager', 'admin'].includes(session.role);

  const load = () => request(session, 'GET', `/api/orders/${encodeURIComponent(orderId)}`).then(render, onError);
  const act = (button, method, path, payload) => {
    button.disabled = true;
    return request(session, method, path, payload).then(load, onError).finally(() => { button.disabled = false; });
  };
  const action = (label, method, path, payload, extra = {}) => h('button', {
    type: 'button', ...extra, onclick: (event) => act(event.currentTarget, method, path, payload),
  }, label);

  const render = (order) => {
    title.textContent = `Order ${order.orderNumber}`;
    const open = !['cancelled', 'delivered'].includes(order.status);
    fill(body,
      order.heldForReview ? fraudReview(order) : null,
      h('section', { class: 'card', 'aria-label': 'Summary' },
        h('dl', { class: 'facts' },
          [['Status', order.status, 'status'], ['Channel', order.channel], ['Placed', new Date(order.orderDate).toLocaleString()],
            ['Total', formatMoney(order.total)], ['Ship to', order.shippingAddress ?? '–']]
            .flatMap(([label, value, field]) => [h('dt', {}, label), h('dd', { dataset: field ? { field } : undefined }, value)]),
          h('dt', {}, 'Customer'), h('dd', {}, h('a', { href: `#/customers/${order.customerId}` }, 'Open the customer'))),
        h('div', { class: 'actions' }, open ? action('Cancel the order', 'POST', `/api/orders/${order.orderId}/cancel`, undefined, { class: 'secondary' }) : null)),
      h('section', { class: 'card', 'aria-label': 'Items' }, h('h2', {}, 'Items'), h('table', {},
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Album'), ['Quantity', 'Unit price', 'Discount', 'Total'].map((name) => h('th', { scope: 'col', class: 'number' }, name)))),
        h('tbody', {}, order.items.map((item) => h('tr', { dataset: { albumId: item.albumId } },
          h('td', {}, albumLink(item.albumId)), h('td', { class: 'number' }, item.quantity), h('td', { class: 'number' }, formatMoney(item.unitPrice)),
          h('td', { class: 'number' }, formatMoney(item.discount)), h('td', { class: 'number' }, formatMoney(item.total))))))),
      h('section', { class: 'card', 'aria-label': 'Payments' }, h('h2', {}, 'Payments'),
        order.payments.length === 0 ? empty('No payments.') : h('ul', { class: 'plain' }, order.payments.map((payment) => h('li', { dataset: { paymentId: payment.paymentId } },
          `${payment.paymentMethod} ${formatMoney(payment.amount)}: `, h('span', { dataset: { field: 'payment-status' } }, payment.status),
          ` · fraud score ${payment.fraudScore}`,
          manager && payment.status === 'completed' ? [' ', action('Refund', 'POST', `/api/payments/${payment.paymentId}/refund`, undefined, { class: 'secondary' })] : null)))),
      h('section', { class: 'card', 'aria-label': 'Shipments' }, h('h2', {}, 'Shipments'),
        order.shipments.length === 0 ? empty('Not shipped.') : h('ul', { class: 'plain' }, order.shipments.map((shipment) => h('li', {},
          `${shipment.carrier ?? ''} ${shipment.trackingNumber ?? ''}: ${shipment.status}`,
          shipment.status !== 'delivered' ? [' ', action(`Mark ${next(shipment.status)}`, 'POST', `/api/shipments/${shipment.shipmentId}/status`, { status: next(shipment.status) }, { class: 'secondary' })] : null))),
        open && order.status !== 'pending' ? shipForm(order) : null));
  };

  // Order lines carry the album's id: its title and artist are read once per album and fill the link when they come.
  const names = new Map();
  const albumLink = (albumId) => {
    const link = h('a', { href: `#/album/${albumId}` }, names.get(albumId) ?? 'Album');
    if (!names.has(albumId)) {
      names.set(albumId, null);
      request(session, 'GET', `/api/albums/${encodeURIComponent(albumId)}`).then((album) => {
        names.set(albumId, `${album.title} · ${album.artist}`);
        for (const shown of body.querySelectorAll(`tr[data-album-id="${albumId}"] a`)) shown.textContent = names.get(albumId);
      }, onError);
    }
    return link;
  };

  const fraudReview = (order) => {
    const payment = order.payments.find((entry) => entry.fraudFlagged) ?? order.payments[0];
    return h('section', { class: 'card alert', 'aria-label': 'Fraud review' },
      h('h2', {}, `Held for fraud review: score ${payment?.fraudScore ?? '–'}`),
      h('ul', { class: 'plain' }, (payment?.fraudReasons ?? []).map((reason) => h('li', {}, h('strong', {}, `+${reason.points}`), ` ${reason.detail}`))),
      manager
        ? h('div', { class: 'actions' },
          action('Approve and charge', 'POST', `/api/orders/${order.orderId}/fraud-review`, { approve: true }),
          action('Decline', 'POST', `/api/orders/${order.orderId}/fraud-review`, { approve: false }, { class: 'secondary' }))
        : h('p', { class: 'card-note' }, 'A manager decides.'));
  };

  const shipForm = (order) => {
    const carrier = h('input', { id: 'ship-carrier', required: true, maxlength: 100 });
    const tracking = h('input', { id: 'ship-tracking', required: true, maxlength: 100 });
    const form = h('form', { class: 'inline', onsubmit: (event) => {
      event.preventDefault();
      act(form.querySelector('button'), 'POST', `/api/orders/${order.orderId}/shipments`, { carrier: carrier.value, trackingNumber: tracking.value });
    } }, h('label', { for: 'ship-carrier' }, 'Carrier'), carrier, h('label', { for: 'ship-tracking' }, 'Tracking number'), tracking,
    h('button', { type: 'submit' }, 'Ship'));
    return form;
  };

  load();
  return () => {};
}

const shipmentSteps = ['preparing', 'shipped', 'in_transit', 'delivered'];
const next = (status) => shipmentSteps[Math.min(shipmentSteps.indexOf(status) + 1, shipmentSteps.length - 1)];

export function choice(id, label, values) {
  return {
    label: h('label', { for: id }, label),
    field: h('select', { id }, values.map((value) => h('option', { value }, value === '' ? 'any' : value))),
  };
}

export function pager(page, pages, go) {
  return h('nav', { class: 'pager', 'aria-label': 'Pages' },
    h('button', { type: 'button', class: 'secondary', disabled: page <= 1, onclick: () => go(page - 1) }, 'Previous'),
    h('span', {}, `Page ${page} of ${pages}`),
    h('button', { type: 'button', class: 'secondary', disabled: page >= pages, onclick: () => go(page + 1) }, 'Next'));
}
