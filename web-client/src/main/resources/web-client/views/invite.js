// Accepting a pub's invite code.
import { post } from '../api.js';
import { h, whileBusy } from '../dom.js';

export async function inviteView(page) {
  const input = h('input', { id: 'invite-code', name: 'code', required: true, autocomplete: 'off', spellcheck: 'false' });
  const status = h('p', { class: 'status', role: 'status' });
  const button = h('button', { type: 'submit' }, 'Accept invite');
  const form = h('form', { class: 'invite' },
    h('label', { for: 'invite-code' }, 'Invite code from a pub'), input, h('div', { class: 'actions' }, button), status);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    await whileBusy(button, async () => {
      status.textContent = 'Redeeming the invite…';
      try {
        const result = await post('/api/invites/accept', { code: input.value.trim() });
        status.textContent = 'Invite accepted' + (result && result.pub ? ` by ${result.pub}` : '') + '.';
        input.value = '';
      } catch (e) {
        status.textContent = 'Could not accept the invite: ' + e.message;
      }
    });
  });
  page.render(h('h1', {}, 'Accept an invite'), form);
  return {};
}
