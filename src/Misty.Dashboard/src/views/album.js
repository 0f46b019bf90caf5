// One album: live stock, its stock by day from the ledger (a chart and the latest rows), the demand forecast with its
// bounds, its reorder lines still open (and the purchase orders they are on), and the albums bought with it.
import { ApiError, request, withQuery } from '../api.js';
import { Chart } from '../charts.js';
import { empty, fill, formatCount, formatMoney, h } from '../dom.js';

const openStatuses = new Set(['pending', 'approved', 'ordered']);

export function createAlbumDetail(root, { session, live, onError }, albumId) {
  const id = encodeURIComponent(albumId);
  const title = h('h1', { tabindex: '-1' }, 'Album');
  const facts = h('p', { class: 'card-note' });
  const stock = { quantity: figure('quantity'), reserved: figure('reserved'), available: figure('available') };
  const canvas = h('canvas', { role: 'img', 'aria-label': 'Units on hand at the end of each day and units sold, last 90 days' });
  const ledger = h('div', {}, empty('Loading the ledger…'));
  const forecast = h('div', {}, empty('Loading the forecast…'));
  const together = h('div', {}, empty('Loading…'));
  const reorders = h('div', {}, empty('Loading the reorder lines…'));
  fill(root,
    h('p', {}, h('a', { href: '#/inventory' }, '← Inventory')), title, facts,
    h('div', { class: 'grid' },
      h('section', { class: 'card', 'aria-label': 'Stock' }, h('h2', {}, 'Stock'),
        h('dl', { class: 'facts' }, h('dt', {}, 'On hand'), stock.quantity, h('dt', {}, 'Held'), stock.reserved, h('dt', {}, 'Available'), stock.available)),
      h('section', { class: 'card', 'aria-label': 'Bought together' }, h('h2', {}, 'Bought together'), together),
      h('section', { class: 'card', 'aria-label': 'Forecast' }, h('h2', {}, 'Forecast'), forecast),
      h('section', { class: 'card', 'aria-label': 'Reorder status' }, h('h2', {}, 'Reorder status'), reorders)),
    h('section', { class: 'card', 'aria-label': 'Stock history' }, h('h2', {}, 'Stock history'), h('div', { class: 'chart' }, canvas), ledger));

  const chart = new Chart(canvas, {
    data: {
      labels: [],
      datasets: [
        { type: 'line', label: 'On hand', data: [], borderColor: '#3b6ea5', backgroundColor: '#3b6ea5', pointRadius: 0 },
        { type: 'bar', label: 'Sold', data: [], backgroundColor: '#c0632b' },
      ],
    },
    options: { animation: false, maintainAspectRatio: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  });

  request(session, 'GET', `/api/albums/${id}`).then((album) => {
    title.textContent = `${album.title} · ${album.artist}`;
    facts.textContent = [album.sku, album.genre, album.label, album.releaseYear, album.condition].filter(Boolean).join(' · ');
  }, onError);

  let left = false;
  request(session, 'GET', `/api/inventory/${id}/history`).then((history) => {
    // The chart is destroyed once the page is left; an answer arriving after that has nothing to draw on.
    if (left) return;
    chart.data.labels = history.days.map((day) => day.day);
    chart.data.datasets[0].data = history.days.map((day) => day.closing);
    chart.data.datasets[1].data = history.days.map((day) => day.sold);
    chart.update();
    fill(ledger, history.recent.length === 0 ? empty('No stock movements yet.') : h('table', {},
      h('caption', {}, 'Latest ledger rows'),
      h('thead', {}, h('tr', {}, ['When', 'Kind', 'Units', 'Notes'].map((heading) => h('th', { scope: 'col' }, heading)))),
      h('tbody', {}, history.recent.map((row) => h('tr', { dataset: { kind: row.kind } },
        h('td', {}, new Date(row.createdAt).toLocaleString()), h('td', {}, row.kind),
        h('td', { class: 'number' }, row.quantityChange > 0 ? `+${formatCount(row.quantityChange)}` : formatCount(row.quantityChange)),
        h('td', {}, row.notes ?? (row.orderId ? h('a', { href: `#/order/${row.orderId}` }, 'Order') : '–')))))));
  }, (error) => { fill(ledger, empty(error.message)); onError(error); });

  request(session, 'GET', `/api/albums/${id}/forecast`).then((answer) => {
    fill(forecast, answer.weeks.length === 0 ? empty('No forecast yet.') : h('table', {},
      h('caption', { class: 'visually-hidden' }, 'Forecast demand per week with its bounds'),
      h('thead', {}, h('tr', {}, ['Week of', 'Demand', 'Range'].map((heading) => h('th', { scope: 'col' }, heading)))),
      h('tbody', {}, answer.weeks.map((week) => h('tr', {},
        h('td', {}, week.weekStart), h('td', { class: 'number' }, formatCount(week.predictedDemand)),
        h('td', { class: 'number' }, week.lowerBound === null ? '–' : `${formatCount(week.lowerBound)}–${formatCount(week.upperBound)}`))))));
  }, (error) => {
    // No forecast run has covered this album yet: say so, it is not a failure of the page.
    if (error instanceof ApiError && error.status === 404) fill(forecast, empty('No forecast yet: the nightly refresh has not covered this album.'));
    else { fill(forecast, empty(error.message)); onError(error); }
  });

  request(session, 'GET', `/api/albums/${id}/bought-together`).then((albums) => {
    fill(together, albums.length === 0 ? empty('Not bought with other albums yet.') : h('ol', { class: 'together' }, albums.map((album) =>
      h('li', { dataset: { albumId: album.albumId } }, h('a', { href: `#/album/${album.albumId}` }, `${album.title} · ${album.artist}`), ` (${formatCount(album.orders)} orders)`))));
  }, (error) => { fill(together, empty(error.message)); onError(error); });

  // An album has a handful of lines over its life; the newest 50 hold every open one.
  request(session, 'GET', withQuery('/api/reorder-queue', { albumId, pageSize: 50 })).then((answer) => {
    const open = answer.items.filter((line) => openStatuses.has(line.status));
    const closed = answer.total - open.length;
    const note = closed > 0 ? h('p', { class: 'card-note' }, `${formatCount(closed)} earlier line(s) received or dismissed. `, h('a', { href: '#/reorders' }, 'Reorder queue')) : null;
    fill(reorders, open.length === 0 ? [empty('No open reorder line.'), note] : [h('table', {},
      h('caption', { class: 'visually-hidden' }, 'Open reorder lines of this album'),
      h('thead', {}, h('tr', {}, ['Status', 'Units', 'Supplier', 'Purchase order'].map((heading) => h('th', { scope: 'col' }, heading)))),
      h('tbody', {}, open.map((line) => h('tr', { dataset: { reorderId: line.reorderId, status: line.status } },
        h('td', {}, `${line.status} · ${line.priority}`),
        h('td', { class: 'number' }, line.receivedQuantity > 0 ? `${formatCount(line.receivedQuantity)} of ${formatCount(line.recommendedQuantity)}` : formatCount(line.recommendedQuantity)),
        h('td', {}, line.supplierName ?? '–'),
        h('td', {}, line.purchaseOrderId
          ? `ordered ${new Date(line.orderedAt).toLocaleDateString()}${line.totalCost === null ? '' : ` · ${formatMoney(line.totalCost)}`}`
          : 'not ordered yet'))))), note]);
  }, (error) => { fill(reorders, empty(error.message)); onError(error); });

  const unwatch = live.watchAlbum(albumId, (update) => {
    for (const [field, element] of Object.entries(stock)) element.textContent = formatCount(update[field]);
  });
  return () => {
    left = true;
    unwatch();
    chart.destroy();
  };
}

const figure = (field) => h('dd', { dataset: { field } }, '…');
