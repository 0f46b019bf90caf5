// The overview: today's figures, orders per minute, low stock, reorders, fraud alerts, open cases and running workflows.
import { request } from '../api.js';
import { Chart } from '../charts.js';
import { empty, fill, formatCount, formatMinute, formatMoney, h, unavailable } from '../dom.js';
import { renderReorderQueue } from './reorder-queue.js';

const priorities = ['critical', 'high', 'medium', 'low'];
const closedCase = new Set(['resolved', 'closed']);

export function createOverview(root, { model, session, onError }) {
  const channels = h('div');
  const minutes = h('p', { class: 'figure-note', 'aria-live': 'polite' });
  const canvas = h('canvas', { role: 'img', 'aria-label': 'Orders and units sold per minute, last 30 minutes' });
  const lowStock = h('div');
  const reorders = h('div');
  const alerts = h('div');
  const cases = h('div');
  const workflows = h('div');
  fill(root,
    h('h1', { tabindex: '-1' }, 'Overview'),
    h('div', { class: 'grid' },
      card('Today by channel', 'Orders placed today (UTC) and their revenue, cancelled orders excluded.', channels),
      card('Orders per minute', 'Orders placed, and units sold, in each of the last 30 minutes.', h('div', { class: 'chart' }, canvas), minutes),
      card('Low stock', 'Albums at or below their reorder point, fewest available first.', lowStock),
      card('Reorder queue', 'Open reorder lines, most urgent first, with why each was planned.', reorders),
      card('Fraud alert queue', null, alerts),
      card('Open cases by priority', null, cases),
      card('Running workflows', null, workflows)));

  const chart = new Chart(canvas, {
    data: {
      labels: [],
      datasets: [
        { type: 'bar', label: 'Orders', data: [], backgroundColor: '#3b6ea5' },
        { type: 'line', label: 'Units', data: [], borderColor: '#c0632b', backgroundColor: '#c0632b', pointRadius: 0 },
      ],
    },
    options: { animation: false, maintainAspectRatio: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  });

  // A low-stock event names its album by SKU only: the title is looked up once per album.
  const asked = new Set();
  const lookUp = (albumId) => {
    if (asked.has(albumId)) return;
    asked.add(albumId);
    request(session, 'GET', `/api/albums/${encodeURIComponent(albumId)}`)
      .then((album) => model.nameAlbum(albumId, album.title, album.artist), onError);
  };

  const render = () => {
    renderChannels(channels, model.metrics);
    renderMinutes(chart, minutes, model.metrics);
    renderLowStock(lowStock, model, (albumId) => lookUp(albumId));
    renderReorderQueue(reorders, model);
    renderAlerts(alerts, model);
    renderCases(cases, model);
    renderWorkflows(workflows, model);
  };
  render();
  // Events may come by the hundred per second: draw at most once per frame.
  let frame = 0;
  const stopListening = model.onChange(() => {
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      render();
    });
  });
  return () => {
    stopListening();
    // A frame asked for just before the page changed would draw on the destroyed chart (its canvas is null by then).
    cancelAnimationFrame(frame);
    chart.destroy();
  };
}

function card(title, description, ...body) {
  const id = `card-${title.toLowerCase().replaceAll(/[^a-z]+/g, '-')}`;
  return h('section', { class: 'card', 'aria-labelledby': id },
    h('h2', { id }, title),
    description ? h('p', { class: 'card-note' }, description) : null,
    ...body);
}

function table(caption, headings, rows) {
  return h('table', {},
    h('caption', { class: 'visually-hidden' }, caption),
    h('thead', {}, h('tr', {}, headings.map((heading) => h('th', { scope: 'col' }, heading)))),
    h('tbody', {}, rows));
}

function renderChannels(root, metrics) {
  if (!metrics) return fill(root, empty('Waiting for the first figures…'));
  const totals = metrics.channels.reduce((sum, channel) => ({ orders: sum.orders + channel.orders, revenue: sum.revenue + channel.revenue }), { orders: 0, revenue: 0 });
  fill(root, table('Orders and revenue today by channel', ['Channel', 'Orders', 'Revenue'], [
    ...metrics.channels.map((channel) => h('tr', { dataset: { channel: channel.channel } },
      h('th', { scope: 'row' }, channel.channel),
      h('td', { class: 'number', dataset: { field: 'orders' } }, formatCount(channel.orders)),
      h('td', { class: 'number', dataset: { field: 'revenue' } }, formatMoney(channel.revenue)))),
    h('tr', { class: 'total' },
      h('th', { scope: 'row' }, 'All channels'),
      h('td', { class: 'number' }, formatCount(totals.orders)),
      h('td', { class: 'number' }, formatMoney(totals.revenue))),
  ]));
}

function renderMinutes(chart, note, metrics) {
  const minutes = metrics?.minutes ?? [];
  chart.data.labels = minutes.map((minute) => formatMinute(minute.minute));
  chart.data.datasets[0].data = minutes.map((minute) => minute.orders);
  chart.data.datasets[1].data = minutes.map((minute) => minute.units);
  chart.update('none');
  const last = minutes.at(-1);
  note.textContent = last ? `This minute so far: ${formatCount(last.orders)} orders, ${formatCount(last.units)} units sold.` : '';
}

function renderLowStock(root, model, lookUp) {
  const rows = [...model.lowStock.values()].sort((a, b) => a.available - b.available || a.sku.localeCompare(b.sku));
  if (rows.length === 0) return fill(root, empty('No album is at or below its reorder point.'));
  fill(root, table('Albums low on stock', ['Album', 'Artist', 'SKU', 'Available', 'Reorder point'], rows.map((row) => {
    const name = model.albumNames.get(row.albumId);
    if (!name) lookUp(row.albumId);
    return h('tr', { dataset: { albumId: row.albumId } },
      h('th', { scope: 'row' }, h('a', { href: `#/album/${row.albumId}` }, name?.title ?? row.sku)),
      h('td', {}, name?.artist ?? '…'),
      h('td', {}, row.sku),
      h('td', { class: 'number', dataset: { field: 'available' } }, formatCount(row.available)),
      h('td', { class: 'number' }, formatCount(row.reorderPoint)));
  })));
}

function renderAlerts(root, model) {
  if (!model.feeds.has('FraudAlert')) return fill(root, unavailable('Fraud alerts'));
  const alerts = [...model.lists.get('FraudAlert').values()].sort((a, b) => b.fraudScore - a.fraudScore);
  if (alerts.length === 0) return fill(root, empty('No fraud alert.'));
  fill(root, h('ul', { class: 'plain' }, alerts.map((alert) => h('li', {},
    h('strong', {}, `Score ${alert.fraudScore}`), ' ', h('a', { href: `#/order/${alert.orderId}` }, `order ${alert.orderId}`),
    alert.reasons?.length ? h('span', { class: 'card-note' }, ` — ${alert.reasons.join(', ')}`) : null))));
}

function renderCases(root, model) {
  if (!model.feeds.has('CaseChanged')) return fill(root, unavailable('Support cases'));
  const open = [...model.lists.get('CaseChanged').values()].filter((item) => !closedCase.has(item.status));
  fill(root, table('Open cases by priority', ['Priority', 'Open cases'], priorities.map((priority) =>
    h('tr', { dataset: { priority } },
      h('th', { scope: 'row' }, priority),
      h('td', { class: 'number' }, formatCount(open.filter((item) => item.priority === priority).length))))));
}

function renderWorkflows(root, model) {
  if (!model.feeds.has('WorkflowProgress')) return fill(root, unavailable('Workflows'));
  const running = [...model.lists.get('WorkflowProgress').values()].filter((run) => run.status === 'running');
  if (running.length === 0) return fill(root, empty('No workflow is running.'));
  fill(root, h('ul', { class: 'plain' }, running.map((run) => h('li', {},
    h('label', {}, `Run ${run.executionId} `,
      h('progress', { max: '100', value: String(run.progressPercentage) }, `${run.progressPercentage}%`))))));
}
