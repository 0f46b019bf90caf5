// Live inventory: search the catalogue, then watch the stock of the albums found.
import { searchAlbums } from '../api.js';
import { empty, fill, formatCount, h } from '../dom.js';

export function createInventory(root, { session, live, onError }) {
  const input = h('input', { type: 'search', id: 'album-search', name: 'search', autocomplete: 'off', placeholder: 'Title, artist or SKU' });
  const status = h('p', { class: 'card-note', 'aria-live': 'polite' });
  const results = h('div');
  let unwatch = [];

  const stopWatching = () => {
    unwatch.forEach((stop) => stop());
    unwatch = [];
  };

  const search = async (event) => {
    event?.preventDefault();
    stopWatching();
    status.textContent = 'Searching…';
    try {
      const page = await searchAlbums(session, input.value.trim());
      status.textContent = `${formatCount(page.total)} ${page.total === 1 ? 'album' : 'albums'} found${page.total > page.items.length ? `, showing the first ${page.items.length}` : ''}.`;
      if (page.items.length === 0) return fill(results, empty('No album matches.'));
      const rows = page.items.map((album) => stockRow(album));
      fill(results, h('table', {},
        h('caption', { class: 'visually-hidden' }, 'Albums and their live stock'),
        h('thead', {}, h('tr', {}, ['Title', 'Artist', 'SKU', 'On hand', 'Reserved', 'Available'].map((heading) => h('th', { scope: 'col' }, heading)))),
        h('tbody', {}, rows.map((row) => row.element))));
      unwatch = rows.map((row) => live.watchAlbum(row.albumId, row.show));
    } catch (error) {
      status.textContent = '';
      fill(results, empty(error.message));
      onError(error);
    }
  };

  fill(root,
    h('h1', { tabindex: '-1' }, 'Inventory'),
    h('form', { class: 'search', role: 'search', onsubmit: search },
      h('label', { for: 'album-search' }, 'Search albums'), input, h('button', { type: 'submit' }, 'Search')),
    status,
    results);
  search();
  return stopWatching;
}

function stockRow(album) {
  const cells = { quantity: cell('quantity'), reserved: cell('reserved'), available: cell('available') };
  const element = h('tr', { dataset: { albumId: album.albumId } },
    h('th', { scope: 'row' }, h('a', { href: `#/album/${album.albumId}` }, album.title)), h('td', {}, album.artist), h('td', {}, album.sku),
    cells.quantity, cells.reserved, cells.available);
  const show = (stock) => {
    for (const [field, td] of Object.entries(cells)) td.textContent = formatCount(stock[field]);
  };
  return { albumId: album.albumId, element, show };
}

const cell = (field) => h('td', { class: 'number', dataset: { field } }, '…');
