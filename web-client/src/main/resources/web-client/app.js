// The conch web client: hash routes, one view at a time, live updates over Server-Sent Events.
import { get, post, upload, query, enc } from './api.js';
import { h, replace, sanitizedHtml, shortId, when } from './dom.js';

const main = document.getElementById('main');
const live = document.getElementById('live');

let me = null;                 // the local identity's id
let view = null;               // the current view: { name, onMessage(message), stop() }

// ---- messages -------------------------------------------------------------------------------

const BLOB_REF = /&[A-Za-z0-9+/]{43}=\.sha256/g;

function isBlobId(value) {
  return typeof value === 'string' && /^&[A-Za-z0-9+/]{43}=\.sha256$/.test(value);
}

/** The author's image (a blob served by this server), or a plain placeholder of the same size. */
function avatar(imageId, className) {
  return isBlobId(imageId)
    ? h('img', { class: className, src: '/blobs/' + enc(imageId), alt: '' })
    : h('span', { class: className + ' none', 'aria-hidden': 'true' });
}

function authorLink(message) {
  const author = message.value.author;
  return h('a', { class: 'author', href: '#/profile/' + enc(author) }, message.name || shortId(author));
}

function threadRoot(message) {
  const content = message.value.content;
  return content && typeof content.root === 'string' ? content.root : message.key;
}

function renderMessage(message) {
  const content = message.value.content;
  const time = when(message.value.timestamp);
  const body = typeof message.html === 'string'
    ? sanitizedHtml(message.html)
    : h('p', { class: 'meta' }, describe(content));
  return h('article', { class: 'message', 'data-key': message.key },
    h('header', {},
      avatar(message.image, 'avatar-small'),
      authorLink(message),
      ' ',
      h('a', { class: 'time', href: '#/thread/' + enc(threadRoot(message)) },
        h('time', { datetime: time.iso }, time.text))),
    body,
    h('footer', {},
      h('a', { href: '#/thread/' + enc(threadRoot(message)), 'aria-label': 'Open the thread' }, 'Thread')));
}

function describe(content) {
  if (typeof content === 'string') return 'a private message';
  if (!content || typeof content.type !== 'string') return 'a message';
  if (content.type === 'contact') {
    const verb = content.blocking ? 'blocked' : content.following ? 'followed' : 'unfollowed';
    return `${verb} ${shortId(String(content.contact))}`;
  }
  if (content.type === 'vote') return 'liked a message';
  if (content.type === 'about') return 'updated a profile';
  return `a ${content.type} message`;
}

/** A list of messages that grows at the bottom (older pages) or at the top (live), each shown once. */
class MessageList {
  constructor(label, newestFirst = true) {
    this.seen = new Set();
    this.newestFirst = newestFirst;
    this.element = h('div', { class: 'messages', role: 'feed', 'aria-label': label });
  }

  add(messages) {
    for (const message of messages) {
      if (this.seen.has(message.key)) continue;
      this.seen.add(message.key);
      this.element.append(renderMessage(message));
    }
  }

  addLive(message) {
    if (this.seen.has(message.key)) return;
    this.seen.add(message.key);
    const element = renderMessage(message);
    element.classList.add('new');
    if (this.newestFirst) this.element.prepend(element); else this.element.append(element);
  }
}

/** A "Load more" button that fetches the next page of `path` while there is one. */
function pager(path, list, next) {
  const button = h('button', { type: 'button', class: 'more' }, 'Load more');
  const paging = h('div', { class: 'paging' }, button);
  let cursor = next;
  const update = () => { button.hidden = !cursor; };
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      const page = await get(path + query({ before: cursor }));
      list.add(page.messages);
      cursor = page.next;
    } catch (e) {
      paging.append(errorText(e));
    } finally {
      button.disabled = false;
      update();
    }
  });
  update();
  return paging;
}

function errorText(error) {
  return h('p', { class: 'error', role: 'alert' }, String(error.message || error));
}

// ---- compose --------------------------------------------------------------------------------

/** A form that publishes a post (a reply when `root` is given) and hands the result to `onPublished`. */
function composer({ label, root, branch, onPublished }) {
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

async function showPublished(list, published) {
  const key = publishedKey(published);
  if (!key || list.seen.has(key)) return;
  list.addLive(await get('/api/message/' + enc(key)));
}

// ---- views ----------------------------------------------------------------------------------

async function timelineView(kind) {
  const path = '/api/timeline/' + kind;
  const page = await get(path);
  const list = new MessageList(kind === 'home' ? 'Home timeline' : 'Public timeline');
  list.add(page.messages);
  replace(main,
    h('h1', {}, kind === 'home' ? 'Home' : 'Public'),
    composer({ label: 'New post (markdown)', onPublished: (p) => showPublished(list, p) }),
    page.messages.length ? null : h('p', { class: 'empty' },
      kind === 'home' ? 'Nothing here yet: follow someone, or accept an invite to a pub.' : 'No posts stored yet.'),
    list.element,
    pager(path, list, page.next));
  return {
    onMessage(message, event) {
      if (typeof message.html !== 'string') return;
      if (kind === 'public' || event.home) list.addLive(message);
    },
  };
}

async function threadView(rootId) {
  const thread = await get('/api/thread/' + enc(rootId));
  const list = new MessageList('Thread', false);
  if (thread.root) list.add([thread.root]);
  list.add(thread.messages);
  let next = thread.next;
  const more = h('button', { type: 'button', class: 'more', hidden: !next }, 'Load more replies');
  more.addEventListener('click', async () => {
    const page = await get('/api/thread/' + enc(rootId) + query({ after: next }));
    list.add(page.messages);
    next = page.next;
    more.hidden = !next;
  });
  const lastKey = () => {
    const articles = list.element.querySelectorAll('article[data-key]');
    return articles.length ? articles[articles.length - 1].getAttribute('data-key') : rootId;
  };
  replace(main,
    h('h1', {}, 'Thread'),
    thread.root ? null : h('p', { class: 'empty' }, 'The first message of this thread is not stored here (yet).'),
    list.element,
    h('div', { class: 'paging' }, more),
    composer({ label: 'Reply', root: rootId, branch: lastKey, onPublished: (p) => showPublished(list, p) }));
  return {
    onMessage(message) {
      if (message.key === rootId || threadRoot(message) === rootId) list.addLive(message);
    },
  };
}

async function profileView(feedId) {
  const id = feedId === 'me' ? me : feedId;
  const path = '/api/profile/' + enc(id);
  const profile = await get(path);
  const about = profile.about || {};
  const list = new MessageList('Posts');
  list.add(profile.messages);
  const status = h('p', { class: 'status', role: 'status' });
  const buttons = id === me ? [] : contactButtons(id, profile.relation, status);
  replace(main,
    isBlobId(about.image) ? avatar(about.image, 'avatar') : null,
    h('h1', {}, about.name || shortId(id)),
    id === me ? imageSetter(status) : null,
    id === me ? nameSetter(about.name, status) : null,
    h('p', { class: 'feed-id' }, h('code', {}, id)),
    typeof profile.descriptionHtml === 'string' ? sanitizedHtml(profile.descriptionHtml) : null,
    buttons.length ? h('div', { class: 'actions' }, buttons) : null,
    status,
    id === me ? composer({ label: 'New post (markdown)', onPublished: (p) => showPublished(list, p) }) : null,
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
function nameSetter(current, status) {
  const input = h('input', { id: 'own-name', name: 'name', type: 'text', maxlength: 100, value: current || '' });
  const form = h('form', { class: 'name' },
    h('label', { for: 'own-name' }, 'Your name'), input, h('button', { type: 'submit' }, 'Save name'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const name = input.value.trim();
    if (!name) return;
    status.textContent = 'Saving your name…';
    try {
      await post('/api/publish', { content: { type: 'about', about: me, name } });
      status.textContent = 'Name saved.';
      await route();
    } catch (e) {
      status.textContent = 'Could not save the name: ' + e.message;
    }
  });
  return form;
}

/** Lets the local user pick their own picture: the file becomes a blob, named by an `about` message. */
function imageSetter(status) {
  const picker = h('input', { id: 'own-image', type: 'file', accept: 'image/*', class: 'image-picker' });
  picker.addEventListener('change', async () => {
    const file = picker.files && picker.files[0];
    if (!file) return;
    status.textContent = 'Setting your picture…';
    try {
      const stored = await upload(file);
      await post('/api/publish', { content: { type: 'about', about: me, image: stored.id } });
      status.textContent = 'Picture set.';
      await route();
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

function contactButtons(id, relation, status) {
  const act = (action) => h('button', {
    type: 'button',
    onclick: async () => {
      status.textContent = 'Publishing…';
      try {
        await post('/api/contacts', { contact: id, ...CONTACT_ACTIONS[action].body });
        status.textContent = `Published: ${action} ${shortId(id)}.`;
        await route();
      } catch (e) {
        status.textContent = `Could not ${action}: ${e.message}`;
      }
    },
  }, CONTACT_ACTIONS[action].label);
  if (relation === 'block') return [act('unblock')];
  return [act(relation === 'follow' ? 'unfollow' : 'follow'), act('block')];
}

async function peersView() {
  const section = h('section', { 'aria-label': 'Replication' });
  replace(main, h('h1', {}, 'Peers and sync'), section);
  const names = new Map();
  const refresh = async () => {
    const status = await get('/api/status');
    const replication = status.replication || status;
    const peers = replication.peers || [];
    for (const peer of peers) {
      if (!names.has(peer.id)) {
        names.set(peer.id, null);
        get('/api/about/' + enc(peer.id)).then((about) => names.set(peer.id, about.name)).catch(() => {});
      }
    }
    replace(section,
      h('p', {}, `${peers.length} connected peer(s); replicating ${replication.replicationSetSize ?? '?'} feeds, `
        + `${replication.feedsStored ?? '?'} stored.`),
      peers.map((peer) => renderPeer(peer, names.get(peer.id))));
  };
  await refresh();
  const timer = setInterval(() => refresh().catch(() => {}), 2000);
  return { stop: () => clearInterval(timer) };
}

function renderPeer(peer, name) {
  const feeds = (peer.feeds || []).filter((f) => f.remoteSeq > 0);
  const behind = feeds.filter((f) => f.localSeq < f.remoteSeq);
  const shown = (behind.length ? behind : feeds).slice(0, 50);
  return h('article', { class: 'peer' },
    h('h2', {}, h('a', { href: '#/profile/' + enc(peer.id) }, name || shortId(peer.id))),
    h('p', { class: 'meta' },
      `${peer.mode}, ${peer.dialled ? 'dialled by us' : 'dialled us'}; received ${peer.received}, sent ${peer.sent}; `
      + `${feeds.length - behind.length} of ${feeds.length} feeds in sync`),
    h('ul', { class: 'progress' }, shown.map((feed) => {
      const label = `${shortId(feed.feed)}: ${feed.localSeq} of ${feed.remoteSeq}`;
      return h('li', {},
        h('span', {}, label),
        h('progress', { max: feed.remoteSeq, value: Math.min(feed.localSeq, feed.remoteSeq), 'aria-label': label }));
    })));
}

async function inviteView() {
  const input = h('input', { id: 'invite-code', name: 'code', required: true, autocomplete: 'off', spellcheck: 'false' });
  const status = h('p', { class: 'status', role: 'status' });
  const button = h('button', { type: 'submit' }, 'Accept invite');
  const form = h('form', { class: 'invite' },
    h('label', { for: 'invite-code' }, 'Invite code from a pub'), input, h('div', { class: 'actions' }, button), status);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    button.disabled = true;
    status.textContent = 'Redeeming the invite…';
    try {
      const result = await post('/api/invites/accept', { code: input.value.trim() });
      status.textContent = 'Invite accepted' + (result && result.pub ? ` by ${result.pub}` : '') + '.';
      input.value = '';
    } catch (e) {
      status.textContent = 'Could not accept the invite: ' + e.message;
    } finally {
      button.disabled = false;
    }
  });
  replace(main, h('h1', {}, 'Accept an invite'), form);
  return {};
}

function blobView(blobId) {
  const src = '/blobs/' + enc(blobId);
  replace(main, h('h1', {}, 'Blob'), h('p', { class: 'feed-id' }, h('code', {}, blobId)),
    h('p', {}, h('img', { class: 'blob', src, alt: 'The blob, shown when it is an image stored here' })),
    h('p', {}, h('a', { href: src }, 'Open the blob')));
  return {};
}

// ---- routing --------------------------------------------------------------------------------

const routes = [
  [/^#\/(?:home)?$/, () => timelineView('home')],
  [/^#\/public$/, () => timelineView('public')],
  [/^#\/thread\/(.+)$/, (id) => threadView(id)],
  [/^#\/profile\/(.+)$/, (id) => profileView(id)],
  [/^#\/peers$/, () => peersView()],
  [/^#\/invite$/, () => inviteView()],
  [/^#\/blob\/(.+)$/, (id) => blobView(id)],
];

async function route() {
  if (view && view.stop) view.stop();
  view = null;
  const hash = location.hash || '#/home';
  for (const [pattern, show] of routes) {
    const match = pattern.exec(hash);
    if (!match) continue;
    for (const link of document.querySelectorAll('nav a')) {
      link.toggleAttribute('aria-current', link.getAttribute('href') === hash);
    }
    try {
      view = await show(match[1] === undefined ? undefined : decodeURIComponent(match[1]));
    } catch (e) {
      replace(main, h('h1', {}, 'Something went wrong'), errorText(e));
    }
    main.dataset.route = hash; // tells a waiting test (and a screen reader's focus) the view is in place
    main.focus({ preventScroll: true });
    return;
  }
  replace(main, h('h1', {}, 'Not found'), h('p', {}, h('a', { href: '#/home' }, 'Go home')));
}

function listen() {
  const events = new EventSource('/api/events');
  events.addEventListener('open', () => { live.textContent = 'live'; live.classList.add('on'); });
  events.addEventListener('error', () => { live.textContent = 'reconnecting'; live.classList.remove('on'); });
  events.addEventListener('message', (event) => {
    const data = JSON.parse(event.data);
    if (data.overflow) {
      // Too many messages arrived at once to stream them one by one (a first sync).
      live.replaceChildren(h('a', {
        href: location.hash || '#/home',
        onclick: (click) => { click.preventDefault(); live.textContent = 'live'; route(); },
      }, 'many new messages: reload'));
      return;
    }
    if (view && view.onMessage) view.onMessage(data.message, data);
  });
}

async function start() {
  try {
    me = (await get('/api/whoami')).id;
  } catch (e) {
    replace(main, h('h1', {}, 'conch is not reachable'), errorText(e));
    return;
  }
  window.addEventListener('hashchange', route);
  listen();
  await route();
  document.body.dataset.ready = 'true';
}

start();
