// The knowledge assistant for staff: search the shop's documents, albums, resolved cases and reviews by meaning,
// or ask a question and get the answer with the passages it rests on.
import { request, withQuery } from '../api.js';
import { empty, fill, h } from '../dom.js';

const kinds = [['', 'Everything'], ['document', 'Documents'], ['album', 'Albums'], ['case', 'Cases'], ['review', 'Reviews']];

// Albums and cases have pages of their own; documents and reviews are shown by their snippet.
const link = (kind, id, title) => (kind === 'album' ? h('a', { href: `#/album/${id}` }, title)
  : kind === 'case' ? h('a', { href: `#/case/${id}` }, title) : title);

// The extractive answer marks its answering sentence **like this**: shown highlighted, still as text.
const marked = (answer) => answer.split(/\*\*(.+?)\*\*/s).map((part, i) => (i % 2 === 1 ? h('mark', {}, part) : part));

const passage = ({ kind, id, title, snippet }) => h('li', { dataset: { kind, id } },
  h('span', { class: 'badge' }, kind), ' ', h('strong', {}, link(kind, id, title)), h('p', { class: 'snippet' }, snippet));

export function createKnowledge(root, { session, onError }) {
  const question = h('input', {
    id: 'knowledge-question', type: 'search', maxlength: 500, required: true, autocomplete: 'off',
    // The search box takes web search's operators (README, Knowledge assistant), which staff would not otherwise guess.
    placeholder: 'What is our policy on warped records? or "test pressing" -promo',
  });
  const kind = h('select', { id: 'knowledge-kind' }, kinds.map(([value, label]) => h('option', { value }, label)));
  const results = h('div', { 'aria-live': 'polite' });

  const search = () => {
    fill(results, empty('Searching…'));
    return request(session, 'GET', withQuery('/api/knowledge/search', { q: question.value.trim(), k: 10, kinds: kind.value, syntax: 'web' }))
      .then(({ results: hits }) => fill(results, hits.length === 0 ? empty('Nothing matches.')
        : h('ol', { class: 'passages', 'aria-label': 'Search results' }, hits.map(passage))));
  };
  const ask = () => {
    fill(results, empty('Looking for the answer…'));
    return request(session, 'POST', '/api/knowledge/ask', { question: question.value.trim() })
      .then(({ answer, citations }) => fill(results,
        h('section', { class: 'answer', 'aria-label': 'Answer' }, h('h2', {}, 'Answer'), h('p', {}, marked(answer))),
        h('h2', {}, 'Sources'),
        citations.length === 0 ? empty('No source answers this question.')
          : h('ol', { class: 'passages', 'aria-label': 'Sources' }, citations.map(passage))));
  };
  // Any failure shows the problem's text in place of the results, never a blank page.
  const run = (action) => (event) => {
    event.preventDefault();
    if (!question.value.trim()) return;
    action().catch((error) => { fill(results, empty(error.message)); onError(error); });
  };

  const form = h('form', { class: 'search', onsubmit: run(search) },
    h('label', { for: 'knowledge-question' }, 'Question or search words'), question,
    h('label', { for: 'knowledge-kind' }, 'In'), kind,
    h('button', { type: 'submit' }, 'Search'),
    h('button', { type: 'button', onclick: run(ask) }, 'Ask'));
  fill(root, h('h1', { tabindex: '-1' }, 'Knowledge'), form, results);
  return () => {};
}
