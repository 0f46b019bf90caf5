// Agent actions: the calls AI agents made that wait for a manager (approve or reject), the recent decisions, and the
// assistant's chat. A new request arrives live (ApprovalRequested through the hub); a slow poll catches anything missed.
import { decideAgentAction, listAgentActions } from '../api.js';
import { empty, fill, h, unavailable } from '../dom.js';
import { createAgentChat } from './agent-chat.js';

const refreshMs = 30_000;

export function createAgentActions(root, { session, live, onError }) {
  const pending = h('section', { class: 'card', 'aria-label': 'Waiting for approval' }, empty('Loading…'));
  const recent = h('section', { class: 'card', 'aria-label': 'Recent decisions' });
  const chat = h('section', { class: 'card', 'aria-label': 'Assistant' });
  const notice = h('p', { class: 'card-note', role: 'status', 'aria-live': 'polite' });
  fill(root, h('h1', { tabindex: '-1' }, 'Agent actions'), notice, pending, recent, chat);
  createAgentChat(chat, { session, onError });
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
            h('button', { type: 'button', 'aria-label': `Approve ${action.tool} by ${action.agentName}`, onclick: () => decide(action.actionId, 'approve') }, 'Approve'),
            h('button', { type: 'button', 'aria-label': `Reject ${action.tool} by ${action.agentName}`, onclick: () => decide(action.actionId, 'reject') }, 'Reject'))
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

  const stopNotices = live.onNotice('ApprovalRequested', (request) => {
    notice.textContent = `New request: ${request.tool} by ${request.agentName}.`;
    refresh();
  });
  refresh();
  const timer = setInterval(refresh, refreshMs);
  return () => {
    stopped = true;
    stopNotices();
    clearInterval(timer);
  };
}
