// The case board: a column per status, each paged by the server (GET /api/cases?status=, newest first), kept live by
// CaseChanged events: a shown case takes a newer event's fields at once, and any change re-reads the columns.
import { listCases } from '../api.js';
import { empty, fill, h, unavailable } from '../dom.js';
import { pager } from './orders.js';

const columns = [['pending', 'Pending'], ['in_progress', 'In progress'], ['resolved', 'Resolved']];
const pageSize = 20;

export function createCaseBoard(root, { session, model, onError }) {
  const board = h('div', { class: 'board' });
  fill(root, h('h1', { tabindex: '-1' }, 'Case board'), board);
  const state = columns.map(([status, title]) => ({ status, title, page: 1, answer: null, section: h('section', { class: 'card', 'aria-label': title }, h('h2', {}, title), empty('Loading cases…')) }));
  fill(board, state.map((column) => column.section));
  let available = true;
  let left = false;

  const render = (column) => {
    if (!available) return fill(column.section, h('h2', {}, column.title), unavailable('Support cases'));
    if (!column.answer) return;
    const live = model.lists.get('CaseChanged');
    const items = column.answer.items.map((item) => {
      const event = live.get(item.caseId);
      return event && event.version > (item.version ?? 0) ? { ...item, ...event } : item;
    });
    fill(column.section,
      h('h2', {}, `${column.title} (${column.answer.total})`),
      items.length === 0 ? empty('None.') : h('ul', { class: 'plain' }, items.map((item) =>
        h('li', { dataset: { caseId: item.caseId, status: item.status } },
          h('a', { href: `#/case/${item.caseId}` }, h('strong', {}, item.caseNumber ?? item.caseId)), ` ${item.priority ?? ''}`,
          item.subject ? h('div', { class: 'card-note' }, item.subject) : null))),
      column.answer.total > pageSize ? pager(column.page, Math.ceil(column.answer.total / pageSize), (next) => { column.page = next; load(column); }) : null);
  };

  const load = (column) => listCases(session, { status: column.status, page: column.page, pageSize }).then((answer) => {
    if (left) return;
    column.answer = answer;
    render(column);
  }, (error) => {
    // 404: this server has no case API yet, which is no error of the page.
    available = error.status !== 404;
    if (available) onError(error);
    render(column);
  });

  state.forEach(load);
  // A case that moved column, or a new one, needs the server's pages again; once per burst of events.
  let seen = versions(model);
  let timer = 0;
  const stopFeed = model.onChange(() => {
    const now = versions(model);
    if (now === seen) return;
    seen = now;
    state.forEach(render);
    clearTimeout(timer);
    timer = setTimeout(() => state.forEach(load), 300);
  });
  return () => {
    left = true;
    clearTimeout(timer);
    stopFeed();
  };
}

const versions = (model) => [...model.lists.get('CaseChanged').values()].map((item) => `${item.caseId}:${item.version}`).join(',');
