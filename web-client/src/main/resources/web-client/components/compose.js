// The compose form (posts and replies, with images) and what a view does with a published message.
import { get, post, upload, enc } from '../api.js';
import { h } from '../dom.js';
import { BLOB_REF } from './messages.js';

/** A form that publishes a post (a reply when `root` is given) and hands the result to `onPublished`. */
export function composer({ label, root, branch, onPublished }) {
  const id = 'compose-' + Math.random().toString(36).slice(2);
  const text = h('textarea', { id, name: 'text', rows: 4, required: true });
  const status = h('p', { class: 'status', role: 'status' });
  const button = h('button', { type: 'submit' }, root ? 'Reply' : 'Publish');
  const picker = h('input', { id: id + '-image', type: 'file', accept: 'image/*', class: 'image-picker' });
  picker.addEventListener('change', async () => {
    const file = picker.files && picker.files[0];
    if (!file) return;
    status.textContent = 'Adding the image…';
    try {
      const stored = await upload(file);
      const alt = (file.name || 'image').replace(/[\[\]]/g, '');
      text.value += (text.value && !text.value.endsWith('\n') ? '\n' : '') + `![${alt}](${stored.id})\n`;
      status.textContent = 'Image added.';
    } catch (e) {
      status.textContent = 'Could not add the image: ' + e.message;
    } finally {
      picker.value = '';
    }
  });
  const form = h('form', { class: 'compose' },
    h('label', { for: id }, label), text,
    h('div', { class: 'actions' }, button, h('label', { for: id + '-image', class: 'picker-label' }, 'Add an image'), picker),
    status);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!text.value.trim()) return;
    const content = { type: 'post', text: text.value };
    // Peers fetch the blobs a post mentions: list the images in the text.
    const blobs = [...new Set(text.value.match(BLOB_REF) || [])];
    if (blobs.length) content.mentions = blobs.map((link) => ({ link }));
    if (root) {
      content.root = root;
      content.branch = branch() || root;
    }
    button.disabled = true;
    status.textContent = 'Publishing…';
    try {
      const published = await post('/api/publish', { content });
      text.value = '';
      status.textContent = 'Published.';
      if (onPublished) await onPublished(published);
    } catch (e) {
      status.textContent = 'Could not publish: ' + e.message;
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

/** The key of what /api/publish answered, whatever its exact shape. */
function publishedKey(published) {
  if (!published) return null;
  return published.key || (published.message && published.message.key) || null;
}

/** Shows a message just published at the top of `list`, unless it is there already. */
export async function showPublished(list, published) {
  const key = publishedKey(published);
  if (!key || list.seen.has(key)) return;
  list.addLive(await get('/api/message/' + enc(key)));
}
