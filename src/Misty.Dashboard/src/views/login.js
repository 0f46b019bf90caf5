import { login } from '../api.js';
import { fill, h } from '../dom.js';

export function createLogin(root, onSignedIn) {
  const email = h('input', { type: 'email', id: 'login-email', name: 'email', autocomplete: 'username', required: true });
  const password = h('input', { type: 'password', id: 'login-password', name: 'password', autocomplete: 'current-password', required: true });
  const message = h('p', { class: 'error', role: 'alert' });
  const submit = h('button', { type: 'submit' }, 'Sign in');
  const form = h('form', {
    class: 'login',
    onsubmit: async (event) => {
      event.preventDefault();
      submit.disabled = true;
      message.textContent = '';
      try {
        onSignedIn(await login(email.value.trim(), password.value));
      } catch (error) {
        message.textContent = error.message;
        password.focus();
      } finally {
        submit.disabled = false;
      }
    },
  },
  h('h1', {}, 'Misty staff sign-in'),
  h('label', { for: 'login-email' }, 'Email'), email,
  h('label', { for: 'login-password' }, 'Password'), password,
  submit, message);
  fill(root, form);
  email.focus();
}
