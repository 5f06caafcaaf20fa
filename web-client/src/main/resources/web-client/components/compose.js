// The compose form (posts and replies, with images) and what a view does with a published message.
import { get, post, upload, enc } from '../api.js';
import { h, whileBusy } from '../dom.js';
import { BLOB_REF } from './messages.js';

/** A form that publishes a post (a reply when `root` is given) and hands the result to `onPublished`. */
export function composer({ label, root, branch, fork, onPublished }) {
  const id = 'compose-' + Math.random().toString(36).slice(2);
  const text = h('textarea', { id, name: 'text', rows: 4, required: true });
  const warning = h('input', { id: id + '-cw', name: 'contentWarning', type: 'text', maxlength: 200, class: 'cw-field' });
  // A draft is kept in this browser until it is posted: one for new posts, one per message replied to.
  const draft = drafts(root ? 'reply:' + root : 'post');
  text.value = draft.load();
  text.addEventListener('input', () => draft.save(text.value));
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
    h('label', { for: id + '-cw', class: 'cw-label' }, 'Content warning (optional)'), warning,
    h('div', { class: 'actions' }, button, h('label', { for: id + '-image', class: 'picker-label' }, 'Add an image'), picker),
    status);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!text.value.trim()) return;
    const content = { type: 'post', text: text.value };
    // Peers fetch the blobs a post mentions: list the images in the text.
    const blobs = [...new Set(text.value.match(BLOB_REF) || [])];
    // and, as Manyverse writes them, the #tags, so that peers index them as channels.
    const tags = [...new Set([...text.value.matchAll(/(?:^|[\s(\[])#([\p{L}\p{N}_-]+)/gu)].map((m) => '#' + m[1].toLowerCase()))];
    const mentions = [...blobs, ...tags].map((link) => ({ link }));
    if (mentions.length) content.mentions = mentions;
    if (warning.value.trim()) content.contentWarning = warning.value.trim();
    if (root) {
      content.root = root;
      content.branch = branch() || root;
      if (fork) content.fork = fork;
    }
    await whileBusy(button, async () => {
      status.textContent = 'Publishing…';
      try {
        const published = await post('/api/publish', { content });
        text.value = '';
        warning.value = '';
        draft.clear();
        status.textContent = 'Published.';
        if (onPublished) await onPublished(published);
      } catch (e) {
        status.textContent = 'Could not publish: ' + e.message;
      }
    });
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

/** A draft in localStorage under `name`; storage that is full or turned off only loses the draft. */
function drafts(name) {
  const key = 'conch-draft:' + name;
  const attempt = (action, fallback) => { try { return action(); } catch (e) { return fallback; } };
  return {
    load: () => attempt(() => localStorage.getItem(key) || '', ''),
    save: (value) => attempt(() => (value ? localStorage.setItem(key, value) : localStorage.removeItem(key)), null),
    clear: () => attempt(() => localStorage.removeItem(key), null),
  };
}
