// The case board: GET /api/cases once the support-case feature is there, kept live by CaseChanged events.
import { listCases } from '../api.js';
import { empty, fill, h, unavailable } from '../dom.js';

const columns = [['pending', 'Pending'], ['in_progress', 'In progress'], ['resolved', 'Resolved']];

export function createCaseBoard(root, { session, model, onError }) {
  const board = h('div', { class: 'board' }, empty('Loading cases…'));
  fill(root, h('h1', { tabindex: '-1' }, 'Case board'), board);
  const loaded = new Map();
  let available = true;

  const render = () => {
    if (!available) return fill(board, unavailable('Support cases'));
    // Live events win over the list when they are newer.
    const cases = new Map(loaded);
    for (const [id, item] of model.lists.get('CaseChanged')) {
      if (!cases.has(id) || item.version >= (cases.get(id).version ?? 0)) cases.set(id, { ...cases.get(id), ...item });
    }
    fill(board, columns.map(([status, title]) => {
      const items = [...cases.values()].filter((item) => item.status === status);
      return h('section', { class: 'card', 'aria-label': title },
        h('h2', {}, `${title} (${items.length})`),
        items.length === 0 ? empty('None.') : h('ul', { class: 'plain' }, items.map((item) =>
          h('li', { dataset: { caseId: item.caseId } },
            h('a', { href: `#/case/${item.caseId}` }, h('strong', {}, item.caseNumber ?? item.caseId)), ` ${item.priority ?? ''}`,
            item.subject ? h('div', { class: 'card-note' }, item.subject) : null))));
    }));
  };

  listCases(session).then((answer) => {
    for (const item of Array.isArray(answer) ? answer : answer.items ?? []) loaded.set(item.caseId, item);
    render();
  }, (error) => {
    // 404: this server has no case API yet, which is no error of the page.
    available = error.status !== 404;
    if (available) onError(error);
    render();
  });
  return model.onChange(render);
}
