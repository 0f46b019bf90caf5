// The overview's reorder queue: open lines (pending, approved, ordered) by priority, and the most urgent ones.
import { empty, fill, formatCount, formatMoney, h, unavailable } from '../dom.js';

const priorities = ['critical', 'high', 'medium', 'low'];
const open = new Set(['pending', 'approved', 'ordered']);
const shown = 8;

/** The open lines, most urgent first, then the newest change first. */
export function openReorders(model) {
  const lines = [...model.lists.get('ReorderChanged').values()].filter((line) => open.has(line.status));
  return lines.sort((a, b) => priorities.indexOf(a.priority) - priorities.indexOf(b.priority) || b.updatedAt.localeCompare(a.updatedAt));
}

export function renderReorderQueue(root, model) {
  if (!model.feeds.has('ReorderChanged')) return fill(root, unavailable('Reorders'));
  const lines = openReorders(model);
  if (lines.length === 0) return fill(root, empty('No reorder is waiting.'));
  const counts = h('table', {},
    h('caption', { class: 'visually-hidden' }, 'Open reorder lines by status'),
    h('thead', {}, h('tr', {}, ['Status', 'Lines', 'Units'].map((heading) => h('th', { scope: 'col' }, heading)))),
    h('tbody', {}, [...open].map((status) => {
      const of = lines.filter((line) => line.status === status);
      return h('tr', { dataset: { status } },
        h('th', { scope: 'row' }, status),
        h('td', { class: 'number' }, formatCount(of.length)),
        h('td', { class: 'number' }, formatCount(of.reduce((sum, line) => sum + line.quantity - line.receivedQuantity, 0))));
    })));
  const urgent = h('ul', { class: 'plain' }, lines.slice(0, shown).map((line) => h('li', { dataset: { reorderId: line.reorderId } },
    h('strong', {}, line.priority), ` ${line.sku}: ${formatCount(line.quantity)} ${line.status}`,
    line.totalCost === null || line.totalCost === undefined ? null : ` (${formatMoney(line.totalCost)})`,
    line.insight ? h('span', { class: 'card-note' }, ` — ${line.insight}`) : null)));
  fill(root, counts, urgent);
}
