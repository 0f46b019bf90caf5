// Customers: search by email or name (paged by the server), and one customer's profile with orders, cases and
// interactions.
import { request, withQuery } from '../api.js';
import { empty, fill, formatMoney, h } from '../dom.js';
import { choice, pager } from './orders.js';

const pageSize = 25;
const segments = ['', 'vip_collector', 'regular_enthusiast', 'casual_buyer', 'new_customer'];

export function createCustomers(root, { session, onError }) {
  const search = h('input', { id: 'customer-search', type: 'search', maxlength: 300 });
  const segment = choice('customer-segment', 'Segment', segments);
  const results = h('div', {}, empty('Search by email or name.'));
  let page = 1;

  const load = () => request(session, 'GET', withQuery('/api/customers', { search: search.value.trim(), segment: segment.field.value, page, pageSize }))
    .then(({ items, total }) => fill(results,
      items.length === 0 ? empty('No customer matches.') : h('table', {},
        h('thead', {}, h('tr', {}, ['Name', 'Email', 'Segment', 'Status'].map((name) => h('th', { scope: 'col' }, name)), h('th', { scope: 'col', class: 'number' }, 'Lifetime value'))),
        h('tbody', {}, items.map((customer) => h('tr', { dataset: { customerId: customer.customerId } },
          h('th', { scope: 'row' }, h('a', { href: `#/customers/${customer.customerId}` }, `${customer.firstName} ${customer.lastName}`)),
          h('td', {}, customer.email), h('td', {}, customer.segmentType ?? '–'), h('td', {}, customer.status),
          h('td', { class: 'number' }, formatMoney(customer.lifetimeValue)))))),
      pager(page, Math.max(1, Math.ceil(total / pageSize)), (next) => { page = next; load(); })), onError);

  const form = h('form', { class: 'search', onsubmit: (event) => { event.preventDefault(); page = 1; load(); } },
    h('label', { for: 'customer-search' }, 'Search customers'), search, segment.label, segment.field, h('button', { type: 'submit' }, 'Search'));
  fill(root, h('h1', { tabindex: '-1' }, 'Customers'), form, results);
  load();
  return () => {};
}

export function createCustomerDetail(root, { session, onError }, customerId) {
  const body = h('div', {}, empty('Loading the customer…'));
  const title = h('h1', { tabindex: '-1' }, 'Customer');
  fill(root, h('p', {}, h('a', { href: '#/customers' }, '← Customers')), title, body);
  const id = encodeURIComponent(customerId);
  Promise.all([
    request(session, 'GET', `/api/customers/${id}`),
    request(session, 'GET', withQuery('/api/orders', { customerId, pageSize: 10 })),
    request(session, 'GET', withQuery('/api/cases', { customerId, pageSize: 10 })),
  ]).then(([customer, orders, cases]) => {
    title.textContent = `${customer.firstName} ${customer.lastName}`;
    fill(body, h('div', { class: 'grid' },
      h('section', { class: 'card', 'aria-label': 'Profile' }, h('h2', {}, 'Profile'), h('dl', { class: 'facts' },
        [['Email', customer.email], ['Phone', customer.phone ?? '–'], ['Address', customer.address ?? '–'], ['Joined', customer.dateJoined],
          ['Lifetime value', formatMoney(customer.lifetimeValue)], ['Purchases', customer.totalPurchases], ['Preferred genre', customer.preferredGenre ?? '–'],
          ['Status', customer.status], ['Segment', customer.segment?.segmentType ?? '–']]
          .flatMap(([label, value]) => [h('dt', {}, label), h('dd', {}, String(value))]))),
      h('section', { class: 'card', 'aria-label': 'Orders' }, h('h2', {}, 'Recent orders'),
        orders.items.length === 0 ? empty('No orders.') : h('ul', { class: 'plain' }, orders.items.map((order) => h('li', {},
          h('a', { href: `#/order/${order.orderId}` }, order.orderNumber), ` ${order.status} · ${formatMoney(order.total)}`)))),
      h('section', { class: 'card', 'aria-label': 'Cases' }, h('h2', {}, 'Cases'),
        (cases.items ?? []).length === 0 ? empty('No cases.') : h('ul', { class: 'plain' }, cases.items.map((item) => h('li', {},
          h('a', { href: `#/case/${item.caseId}` }, item.caseNumber), ` ${item.status} · ${item.subject}`)))),
      h('section', { class: 'card', 'aria-label': 'Interactions' }, h('h2', {}, 'Interactions'),
        customer.interactions.length === 0 ? empty('No interactions.') : h('ul', { class: 'plain' }, customer.interactions.map((interaction) => h('li', {},
          `${new Date(interaction.interactionDate).toLocaleDateString()} ${interaction.interactionType} (${interaction.sentiment}): `, interaction.summary)))),
      suggestions));
  }, onError);
  // What the recommender suggests to them now (the nightly refresh writes the lists), each with its reason.
  const suggestions = h('section', { class: 'card', 'aria-label': 'Recommendations' }, h('h2', {}, 'Recommendations'), empty('Loading…'));
  request(session, 'GET', withQuery(`/api/customers/${id}/recommendations`, { k: 10 })).then((items) => fill(suggestions, h('h2', {}, 'Recommendations'),
    items.length === 0 ? empty('No suggestions yet: the nightly refresh has not covered this customer.') : h('ol', {}, items.map((item) => h('li', { dataset: { albumId: item.albumId } },
      h('a', { href: `#/album/${item.albumId}` }, `${item.title} · ${item.artist}`), h('div', { class: 'card-note' }, item.reason ?? ''))))), onError);
  return () => {};
}
