// One case: its thread, customer, triage and AI suggestion, SLA clocks counting live, and the actions staff take on it.
// The thread follows CaseChanged events from the dashboard feed: a newer version re-reads the case.
import { request } from '../api.js';
import { empty, fill, h } from '../dom.js';

const statuses = ['pending', 'in_progress', 'resolved', 'closed'];
const priorities = ['low', 'medium', 'high', 'critical'];

export function createCaseDetail(root, { session, model, onError }, caseId) {
  const body = h('div', {}, empty('Loading the case…'));
  // Held here, not looked up in root: an answer that arrives after another view replaced this one renders off-screen.
  const title = h('h1', { tabindex: '-1' }, 'Case');
  fill(root, h('p', {}, h('a', { href: '#/cases' }, '← Case board')), title, body);
  let shown = null;
  let stopped = false;

  const load = () => request(session, 'GET', `/api/cases/${encodeURIComponent(caseId)}`).then((item) => {
    // An action's answer and the live event of the same change both read the case: render each version once.
    if (stopped || item.version === shown?.version) return;
    shown = item;
    render(item);
  }, onError);

  // Every action answers with its problem's text on failure, and the page re-reads the case on success.
  const act = (form, method, path, payload) => {
    const button = form.querySelector('button[type=submit]');
    if (button) button.disabled = true;
    return request(session, method, path, payload).then(load, onError).finally(() => { if (button) button.disabled = false; });
  };

  const render = (item) => {
    title.textContent = `${item.caseNumber}: ${item.subject}`;
    fill(body,
      h('div', { class: 'grid' },
        h('section', { class: 'card', 'aria-label': 'Details' },
          h('h2', {}, 'Details'),
          h('dl', { class: 'facts' },
            fact('Status', item.status, 'status'), fact('Priority', item.priority, 'priority'), fact('Category', item.category),
            fact('Sentiment', item.aiSentiment ? `${item.aiSentiment} (${item.aiScore ?? '–'})` : '–', 'sentiment'),
            fact('Assigned to', item.assignedTo ?? 'nobody'),
            fact('Customer', h('a', { href: `#/customers/${item.customerId}` }, 'Open the customer')),
            fact('Escalated', item.escalated ? 'yes' : 'no')),
          statusForm(item), assignForm(item)),
        h('section', { class: 'card', 'aria-label': 'SLA' }, h('h2', {}, 'SLA'), slaList(item.sla ?? [])),
        suggestionCard(item)),
      h('section', { class: 'card', 'aria-label': 'Conversation' },
        h('h2', {}, 'Conversation'),
        (item.messages ?? []).length === 0 ? empty('No messages yet.')
          : h('ol', { class: 'thread' }, item.messages.map((message) => h('li', {
            class: message.isInternal ? 'internal' : message.fromCustomer ? 'customer' : 'staff',
            dataset: { messageId: message.messageId },
          },
          h('div', { class: 'card-note' }, `${message.fromCustomer ? 'Customer' : message.isInternal ? 'Internal note' : 'Staff'} · ${new Date(message.createdAt).toLocaleString()}`),
          h('p', { class: 'message' }, message.message)))),
        reply));
    tick();
  };

  const fact = (label, value, field) => [h('dt', {}, label), h('dd', { dataset: field ? { field } : undefined }, value)];

  const statusForm = (item) => {
    const status = select('Status', 'case-status', statuses, item.status);
    const priority = select('Priority', 'case-priority', priorities, item.priority);
    const form = h('form', { class: 'inline', onsubmit: (event) => {
      event.preventDefault();
      act(form, 'POST', `/api/cases/${item.caseId}/status`, { status: status.field.value, priority: priority.field.value });
    } }, status.label, status.field, priority.label, priority.field, h('button', { type: 'submit' }, 'Change'));
    return form;
  };

  const assignForm = (item) => {
    const form = h('form', { class: 'inline', onsubmit: (event) => {
      event.preventDefault();
      act(form, 'POST', `/api/cases/${item.caseId}/assign`, { automatic: true });
    } }, h('button', { type: 'submit' }, item.assignedTo ? 'Reassign automatically' : 'Assign automatically'));
    return form;
  };

  const suggestionCard = (item) => {
    const suggestion = item.suggestion;
    if (!suggestion || suggestion.status !== 'pending') {
      return h('section', { class: 'card', 'aria-label': 'AI suggestion' }, h('h2', {}, 'AI suggestion'),
        empty(suggestion ? `The last suggestion was ${suggestion.status}.` : 'No suggestion for this case.'));
    }
    const draft = h('textarea', { id: 'suggestion-draft', rows: 6 });
    draft.value = suggestion.replyDraft;
    const decide = (action) => (event) => {
      event.preventDefault();
      const form = event.target.closest('form');
      const edited = draft.value !== suggestion.replyDraft;
      act(form, 'POST', `/api/cases/${item.caseId}/suggestion`, action === 'dismiss' ? { action } : edited ? { action: 'edit', message: draft.value } : { action: 'accept' });
    };
    return h('section', { class: 'card', 'aria-label': 'AI suggestion' },
      h('h2', {}, 'AI suggestion'),
      h('p', {}, h('strong', {}, 'Next action: '), suggestion.nextAction, ` (${suggestion.nextActionConfidence}% confident)`),
      h('form', { class: 'stack', onsubmit: decide('accept') },
        h('label', { for: 'suggestion-draft' }, `Reply draft (${suggestion.replyConfidence}% confident)`), draft,
        h('div', { class: 'actions' },
          h('button', { type: 'submit' }, 'Send the draft'),
          h('button', { type: 'button', class: 'secondary', onclick: decide('dismiss') }, 'Dismiss'))));
  };

  // One reply form for the page's life: a half-written reply survives the re-render a colleague's change causes.
  const reply = (() => {
    const text = h('textarea', { id: 'reply-text', rows: 4, required: true, maxlength: 10000 });
    const internal = h('input', { type: 'checkbox', id: 'reply-internal' });
    const form = h('form', { class: 'stack', onsubmit: (event) => {
      event.preventDefault();
      act(form, 'POST', `/api/cases/${caseId}/messages`, { message: text.value, isInternal: internal.checked }).then(() => { text.value = ''; internal.checked = false; });
    } },
    h('label', { for: 'reply-text' }, 'Reply'), text,
    h('div', { class: 'actions' }, h('label', {}, internal, ' Internal note (never shown to the customer)'), h('button', { type: 'submit' }, 'Send')));
    return form;
  })();

  // SLA clocks that run count down every second between reads; paused or stopped ones stand still.
  const slaList = (clocks) => clocks.length === 0 ? empty('No SLA clocks.') : h('ul', { class: 'plain' }, clocks.map((clock) => h('li', {
    dataset: { target: clock.target, running: String(!clock.paused && !clock.stoppedAt && !clock.outcome), due: clock.dueAt ?? '' },
  }, h('strong', {}, clock.target), ' ', h('span', { class: 'sla-left' }, describe(clock)))));

  const describe = (clock) => {
    if (clock.outcome) return `${clock.outcome}`;
    if (clock.paused) return 'paused (waiting on the customer)';
    if (!clock.dueAt) return '–';
    const seconds = Math.round((new Date(clock.dueAt) - Date.now()) / 1000);
    const text = duration(Math.abs(seconds));
    return seconds >= 0 ? `${text} left${clock.warned ? ' (warned)' : ''}` : `breached ${text} ago`;
  };

  const tick = () => {
    if (!shown) return;
    for (const row of body.querySelectorAll('li[data-running="true"]')) {
      const clock = shown.sla.find((entry) => entry.target === row.dataset.target);
      if (clock) row.querySelector('.sla-left').textContent = describe(clock);
    }
  };
  const timer = setInterval(tick, 1000);

  const stopFeed = model.onChange(() => {
    const live = model.lists.get('CaseChanged')?.get(caseId);
    if (shown && live && live.version > shown.version) load();
  });
  load();
  return () => {
    stopped = true;
    clearInterval(timer);
    stopFeed();
  };
}

function select(label, id, values, current) {
  const field = h('select', { id }, values.map((value) => h('option', { value, selected: value === current }, value.replace('_', ' '))));
  return { label: h('label', { for: id }, label), field };
}

function duration(seconds) {
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  return hours > 0 ? `${hours} h ${minutes} min` : `${minutes} min ${seconds % 60} s`;
}
