// The assistant's chat panel on the Agent actions page: shown once a model is configured. Admins know up front (the
// model list is theirs); other staff find out from the first answer, which is a 503 while none is configured.
import { chatWithAgent, listAiModels } from '../api.js';
import { fill, h } from '../dom.js';

const noModel = 'No AI model is configured: an admin sets one with PUT /api/ai/models.';

export function createAgentChat(root, { session, onError }) {
  let sessionId = null;
  const log = h('ol', { class: 'plain chat-log', 'aria-live': 'polite' });
  const input = h('textarea', { id: 'agent-chat-message', rows: '2', maxlength: '4000' });
  const send = h('button', { type: 'submit' }, 'Ask');
  const form = h('form', {}, h('label', { for: 'agent-chat-message' }, 'Message to the assistant'), input, send);
  const closed = (text) => fill(root, h('h2', {}, 'Assistant'), h('p', { class: 'empty' }, text));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const message = input.value.trim();
    if (!message) return;
    send.disabled = true;
    log.append(h('li', { class: 'chat-user' }, message));
    try {
      const answer = await chatWithAgent(session, sessionId, message);
      sessionId = answer.sessionId;
      input.value = '';
      log.append(h('li', { class: 'chat-assistant' }, answer.answer,
        answer.toolCalls.length === 0 ? null
          : h('div', { class: 'card-note' }, answer.toolCalls.map((call) => `${call.tool}: ${call.outcome}`).join(' · '))));
    } catch (error) {
      if (error.status === 503) closed(noModel);
      else onError(error);
    } finally {
      send.disabled = false;
    }
  });

  const open = () => fill(root, h('h2', {}, 'Assistant'), log, form);
  if (session.role !== 'admin') {
    open();
    return;
  }
  listAiModels(session).then(
    (models) => (models.some((model) => model.active) ? open() : closed(noModel)),
    (error) => {
      onError(error);
      closed(noModel);
    });
}
