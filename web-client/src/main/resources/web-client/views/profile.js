// A feed's profile: name, picture, description, contact buttons and posts; the local user's own
// profile also lets them set their name and picture.
import { get, post, upload, enc } from '../api.js';
import { h, sanitizedHtml, shortId } from '../dom.js';
import { MessageList, avatar, isBlobId, pager } from '../components/messages.js';
import { composer, showPublished } from '../components/compose.js';

export async function profileView(page, feedId) {
  const id = feedId === 'me' ? page.me : feedId;
  const own = id === page.me;
  const path = '/api/profile/' + enc(id);
  const profile = await get(path);
  const about = profile.about || {};
  const list = new MessageList('Posts');
  list.add(profile.messages);
  const status = h('p', { class: 'status', role: 'status' });
  const buttons = own ? [] : contactButtons(page, id, profile.relation, status);
  page.render(
    isBlobId(about.image) ? avatar(about.image, 'avatar') : null,
    h('h1', {}, about.name || shortId(id)),
    own ? imageSetter(page, status) : null,
    own ? nameSetter(page, about.name, status) : null,
    h('p', { class: 'feed-id' }, h('code', {}, id)),
    typeof profile.descriptionHtml === 'string' ? sanitizedHtml(profile.descriptionHtml) : null,
    friendsSection(id, own),
    buttons.length ? h('div', { class: 'actions' }, buttons) : null,
    status,
    own ? composer({ label: 'New post (markdown)', onPublished: (p) => showPublished(list, p) }) : null,
    profile.messages.length ? null : h('p', { class: 'empty' }, 'No posts of this feed are stored here.'),
    list.element,
    pager(path, list, profile.next));
  return {
    onMessage(message) {
      if (message.value.author === id && typeof message.html === 'string') list.addLive(message);
    },
  };
}

/** Lets the local user set the name others see: an `about` message naming their own feed. */
function nameSetter(page, current, status) {
  const input = h('input', { id: 'own-name', name: 'name', type: 'text', maxlength: 100, value: current || '' });
  const form = h('form', { class: 'name' },
    h('label', { for: 'own-name' }, 'Your name'), input, h('button', { type: 'submit' }, 'Save name'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const name = input.value.trim();
    if (!name) return;
    status.textContent = 'Saving your name…';
    try {
      await post('/api/publish', { content: { type: 'about', about: page.me, name } });
      status.textContent = 'Name saved.';
      await page.refresh();
    } catch (e) {
      status.textContent = 'Could not save the name: ' + e.message;
    }
  });
  return form;
}

/** Lets the local user pick their own picture: the file becomes a blob, named by an `about` message. */
function imageSetter(page, status) {
  const picker = h('input', { id: 'own-image', type: 'file', accept: 'image/*', class: 'image-picker' });
  picker.addEventListener('change', async () => {
    const file = picker.files && picker.files[0];
    if (!file) return;
    status.textContent = 'Setting your picture…';
    try {
      const stored = await upload(file);
      await post('/api/publish', { content: { type: 'about', about: page.me, image: stored.id } });
      status.textContent = 'Picture set.';
      await page.refresh();
    } catch (e) {
      status.textContent = 'Could not set the picture: ' + e.message;
    }
  });
  return h('p', { class: 'actions' }, h('label', { for: 'own-image', class: 'picker-label' }, 'Set your picture'), picker);
}

// What each contact button publishes (POST /api/contacts).
const CONTACT_ACTIONS = {
  follow: { label: 'Follow', body: { following: true } },
  unfollow: { label: 'Unfollow', body: { following: false } },
  block: { label: 'Block', body: { blocking: true } },
  unblock: { label: 'Unblock', body: { blocking: false } },
};

function contactButtons(page, id, relation, status) {
  const act = (action) => h('button', {
    type: 'button',
    onclick: async () => {
      status.textContent = 'Publishing…';
      try {
        await post('/api/contacts', { contact: id, ...CONTACT_ACTIONS[action].body });
        status.textContent = `Published: ${action} ${shortId(id)}.`;
        await page.refresh();
      } catch (e) {
        status.textContent = `Could not ${action}: ${e.message}`;
      }
    },
  }, CONTACT_ACTIONS[action].label);
  if (relation === 'block') return [act('unblock')];
  return [act(relation === 'follow' ? 'unfollow' : 'follow'), act('block')];
}

/**
 * Followers and follows with their counts (each list opened on demand), whether this feed follows the user and
 * whether the user blocks it; filled in when /api/friends answers.
 */
function friendsSection(id, own) {
  const section = h('section', { class: 'friends', 'aria-label': 'Followers and follows' });
  get('/api/friends/' + enc(id)).then((friends) => {
    const list = (label, feeds) => h('details', { class: 'friend-list' },
      h('summary', {}, `${feeds.length} ${label}`),
      h('ul', { class: 'people' }, feeds.map((about) => h('li', {},
        h('a', { href: '#/profile/' + enc(about.id) }, about.name || shortId(about.id))))));
    section.replaceChildren(
      h('div', { class: 'counts' }, list('followers', friends.followers), list('following', friends.following)),
      !own && friends.followsYou ? h('p', { class: 'follows-you' }, 'Follows you') : null,
      friends.blocked ? h('p', { class: 'blocked' }, 'You block this feed') : null);
  }, () => {});
  return section;
}
