// Agent actions: the calls AI agents made that wait for a manager (approve or reject), and the recent decisions.
// Refreshed every few seconds while shown; the server also forwards ApprovalRequested to the hub.
import { decideAgentAction, listAgentActions } from '../api.js';
import { empty, fill, h, unavailable } from '../dom.js';

const refreshMs = 5_000;

export function createAgentActions(root, { session, onError }) {
  const pending = h('section', { class: 'card', 'aria-label': 'Waiting for approval' }, empty('Loading…'));
  const recent = h('section', { class: 'card', 'aria-label': 'Recent decisions' });
  fill(root, h('h1', { tabindex: '-1' }, 'Agent actions'), pending, recent);
  let stopped = false;

  const decide = (actionId, decision) =>
    decideAgentAction(session, actionId, decision).then(refresh, (error) => {
      onError(error);
      refresh();
    });

  const row = (action, withButtons) =>
    h('li', { dataset: { actionId: action.actionId } },
      h('strong', {}, action.tool), ` by ${action.agentName} · ${action.status}`,
      h('div', { class: 'card-note' }, action.reason),
      h('code', {}, JSON.stringify(action.arguments)),
      withButtons
        ? h('div', {},
            h('button', { type: 'button', onclick: () => decide(action.actionId, 'approve') }, 'Approve'),
            h('button', { type: 'button', onclick: () => decide(action.actionId, 'reject') }, 'Reject'))
        : action.decidedBy ? h('div', { class: 'card-note' }, `decided by ${action.decidedBy}`) : null);

  async function refresh() {
    if (stopped) return;
    try {
      const actions = await listAgentActions(session);
      const waiting = actions.filter((action) => action.status === 'pending');
      const decided = actions.filter((action) => action.status !== 'pending').slice(0, 20);
      fill(pending, h('h2', {}, `Waiting for approval (${waiting.length})`),
        waiting.length === 0 ? empty('None.') : h('ul', { class: 'plain' }, waiting.map((action) => row(action, true))));
      fill(recent, h('h2', {}, 'Recent decisions'),
        decided.length === 0 ? empty('None.') : h('ul', { class: 'plain' }, decided.map((action) => row(action, false))));
    } catch (error) {
      // 403: a staff member sees no approvals; 404: a server without agents.
      if (error.status === 403 || error.status === 404) fill(pending, unavailable('Agent approvals'));
      else onError(error);
    }
  }

  refresh();
  const timer = setInterval(refresh, refreshMs);
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
