// Sales and inventory reports (managers and admins): a period grouped by day, week or month, the previous period
// beside it, top sellers, stock per genre, and each as a CSV download.
import { request, withQuery } from '../api.js';
import { Chart } from '../charts.js';
import { empty, fill, formatCount, formatMoney, h } from '../dom.js';
import { choice } from './orders.js';

export function createReports(root, { session, onError }) {
  const today = new Date().toISOString().slice(0, 10);
  const monthAgo = new Date(Date.now() - 29 * 86_400_000).toISOString().slice(0, 10);
  const from = h('input', { id: 'report-from', type: 'date', value: monthAgo, required: true });
  const to = h('input', { id: 'report-to', type: 'date', value: today, required: true });
  const groupBy = choice('report-group', 'Group by', ['day', 'week', 'month']);
  const channel = choice('report-channel', 'Channel', ['', 'in-store', 'online', 'phone', 'corporate']);
  const results = h('div', {}, empty('Loading the report…'));
  let chart = null;
  // A report answered after the page was left draws nothing: its chart would outlive the page.
  let left = false;

  const query = () => ({ from: from.value, to: to.value, groupBy: groupBy.field.value, channel: channel.field.value });
  const load = () => Promise.all([
    request(session, 'GET', withQuery('/api/reports/sales', query())),
    request(session, 'GET', withQuery('/api/reports/inventory', { from: from.value, to: to.value })),
  ]).then(([sales, inventory]) => { if (!left) render(sales, inventory); }, onError);

  const render = (sales, inventory) => {
    chart?.destroy();
    const canvas = h('canvas', { role: 'img', 'aria-label': 'Revenue per period' });
    const figures = [['Revenue', 'revenue', formatMoney], ['Units', 'units', formatCount], ['Orders', 'orders', formatCount],
      ['Average order value', 'averageOrderValue', formatMoney], ['New customers', 'newCustomers', formatCount],
      ['Returning customers', 'returningCustomers', formatCount]];
    fill(results,
      h('section', { class: 'card', 'aria-label': 'Sales' },
        h('h2', {}, 'Sales'),
        h('table', { class: 'compare' },
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Figure'), h('th', { scope: 'col', class: 'number' }, 'This period'), h('th', { scope: 'col', class: 'number' }, 'Previous period'))),
          h('tbody', {}, figures.map(([label, key, format]) => h('tr', { dataset: { figure: key } },
            h('th', { scope: 'row' }, label), h('td', { class: 'number' }, format(sales.totals[key])), h('td', { class: 'number' }, format(sales.previous[key])))))),
        h('div', { class: 'chart' }, canvas),
        h('p', {}, h('a', { href: withQuery('/api/reports/sales', { ...query(), format: 'csv' }), download: '', onclick: download(session) }, 'Download the sales CSV'))),
      h('section', { class: 'card', 'aria-label': 'Top sellers' }, h('h2', {}, 'Top sellers'),
        sales.topSellers.length === 0 ? empty('No sales in the period.') : h('ol', {}, sales.topSellers.map((album) =>
          h('li', {}, h('a', { href: `#/album/${album.albumId}` }, album.title), ` – ${album.artist}: ${formatCount(album.units)} units, ${formatMoney(album.revenue)}`)))),
      h('section', { class: 'card', 'aria-label': 'Inventory' }, h('h2', {}, 'Inventory'),
        h('table', {},
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Genre'), ['SKUs', 'Units', 'Value', 'Turnover', 'Days in stock', 'Low', 'Out', 'Over'].map((name) => h('th', { scope: 'col', class: 'number' }, name)))),
          h('tbody', {}, [...inventory.genres, inventory.totals].map((group) => h('tr', { class: group === inventory.totals ? 'total' : undefined },
            h('th', { scope: 'row' }, group.genre),
            [formatCount(group.skus), formatCount(group.units), formatMoney(group.value), group.turnover.toFixed(2), group.averageDaysInStock,
              group.low, group.out, group.over].map((value) => h('td', { class: 'number' }, value)))))),
        h('p', {}, h('a', { href: withQuery('/api/reports/inventory', { from: from.value, to: to.value, format: 'csv' }), download: '', onclick: download(session) }, 'Download the inventory CSV'))));
    chart = new Chart(canvas, {
      type: 'bar',
      data: { labels: sales.periods.map((period) => period.start), datasets: [{ label: 'Revenue', data: sales.periods.map((period) => period.figures.revenue), backgroundColor: '#3b6ea5' }] },
      options: { animation: false, maintainAspectRatio: false, plugins: { legend: { display: false } } },
    });
  };

  const form = h('form', { class: 'search', onsubmit: (event) => { event.preventDefault(); load(); } },
    h('label', { for: 'report-from' }, 'From'), from, h('label', { for: 'report-to' }, 'To'), to,
    groupBy.label, groupBy.field, channel.label, channel.field, h('button', { type: 'submit' }, 'Show'));
  fill(root, h('h1', { tabindex: '-1' }, 'Reports'), form, results);
  load();
  return () => {
    left = true;
    chart?.destroy();
  };
}

// The API needs the bearer token, which a plain link cannot send: fetch the file and hand it to the browser.
function download(session) {
  return (event) => {
    event.preventDefault();
    const link = event.currentTarget;
    fetch(link.getAttribute('href'), { headers: { Authorization: `Bearer ${session.accessToken}` } })
      .then((response) => response.blob())
      .then((blob) => {
        const url = URL.createObjectURL(blob);
        const save = h('a', { href: url, download: 'report.csv' });
        save.click();
        URL.revokeObjectURL(url);
      });
  };
}
