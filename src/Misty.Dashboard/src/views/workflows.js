// Workflows: each with its trigger and statistics; admins enable or disable, staff run; a workflow's runs with their
// progress kept live by WorkflowProgress events, and blocked runs approved or cancelled.
import { request } from '../api.js';
import { empty, fill, h } from '../dom.js';

export function createWorkflows(root, { session, model, onError }) {
  const list = h('div', {}, empty('Loading workflows…'));
  const runs = h('section', { class: 'card', 'aria-label': 'Runs' }, h('h2', {}, 'Runs'), empty('Choose a workflow to see its runs.'));
  const admin = session.role === 'admin';
  let selected = null;
  let executions = [];

  const load = () => request(session, 'GET', '/api/workflows').then((workflows) => fill(list, h('table', {},
    h('thead', {}, h('tr', {}, ['Workflow', 'Trigger', 'Runs', 'Success', 'Enabled', ''].map((name) => h('th', { scope: 'col' }, name)))),
    h('tbody', {}, (Array.isArray(workflows) ? workflows : workflows.items ?? []).map((workflow) => h('tr', { dataset: { workflowId: workflow.workflowId } },
      h('th', { scope: 'row' }, h('button', { type: 'button', class: 'link', onclick: () => select(workflow) }, workflow.name)),
      h('td', {}, workflow.triggerType), h('td', { class: 'number' }, workflow.executionCount),
      h('td', { class: 'number' }, workflow.successRate === null || workflow.successRate === undefined ? '–' : `${workflow.successRate}%`),
      h('td', {}, admin
        ? h('button', { type: 'button', class: 'secondary', 'aria-pressed': String(workflow.enabled), onclick: (event) => act(event.currentTarget, 'PUT', `/api/workflows/${workflow.workflowId}`, { enabled: !workflow.enabled }).then(load) },
          workflow.enabled ? 'Disable' : 'Enable')
        : workflow.enabled ? 'yes' : 'no'),
      h('td', {}, h('button', { type: 'button', onclick: (event) => act(event.currentTarget, 'POST', `/api/workflows/${workflow.workflowId}/run`, {}).then(() => select(workflow)) }, 'Run now'))))))), onError);

  const act = (button, method, path, payload) => {
    button.disabled = true;
    return request(session, method, path, payload).catch(onError).finally(() => { button.disabled = false; });
  };

  const select = (workflow) => {
    selected = workflow;
    return request(session, 'GET', `/api/workflows/${workflow.workflowId}/executions`).then((answer) => {
      executions = answer.items ?? [];
      renderRuns();
    }, onError);
  };

  const renderRuns = () => {
    if (!selected) return;
    const live = model.lists.get('WorkflowProgress');
    fill(runs, h('h2', {}, `Runs of ${selected.name}`), executions.length === 0 ? empty('No runs yet.') : h('table', {},
      h('thead', {}, h('tr', {}, ['Run', 'Started', 'Status', 'Progress', ''].map((name) => h('th', { scope: 'col' }, name)))),
      h('tbody', {}, executions.map((run) => {
        const progress = live?.get(run.executionId);
        const current = progress && progress.version > run.version ? { ...run, status: progress.status, progressPercentage: progress.progressPercentage } : run;
        return h('tr', { dataset: { executionId: run.executionId } },
          h('th', { scope: 'row' }, run.executionNumber), h('td', {}, new Date(run.startTime).toLocaleString()),
          h('td', { dataset: { field: 'status' } }, current.status),
          h('td', {}, h('progress', { max: 100, value: current.progressPercentage, 'aria-label': `${run.executionNumber} progress` })),
          h('td', {}, current.status === 'blocked' ? [
            h('button', { type: 'button', onclick: (event) => act(event.currentTarget, 'POST', `/api/executions/${run.executionId}/approve`, {}).then(() => select(selected)) }, 'Approve'), ' ',
            h('button', { type: 'button', class: 'secondary', onclick: (event) => act(event.currentTarget, 'POST', `/api/executions/${run.executionId}/cancel`, {}).then(() => select(selected)) }, 'Cancel')] : null));
      }))));
  };

  fill(root, h('h1', { tabindex: '-1' }, 'Workflows'), h('section', { class: 'card', 'aria-label': 'Workflows' }, list), runs);
  load();
  return model.onChange(renderRuns);
}
