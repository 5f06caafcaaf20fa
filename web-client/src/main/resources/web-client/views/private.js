// Private messages (box1): the conversations, one conversation with a reply form, and a form for a new
// conversation that picks its recipients by name. The server boxes what has recps, and a reply in a
// private conversation inherits its recipients.
import { get, post, enc } from '../api.js';
import { h, shortId, when, whileBusy } from '../dom.js';
import { MessageList, avatar, errorText } from '../components/messages.js';
import { composer } from '../components/compose.js';

const MAX_OTHERS = 6; // 7 recipients, yourself included

function names(participants, me) {
  const others = participants.filter((p) => p.id !== me);
  return (others.length ? others : participants).map((p) => p.name || shortId(p.id)).join(', ');
}

function conversationItem(conversation, me) {
  const latest = conversation.latest;
  const text = latest.value.content && typeof latest.value.content.text === 'string' ? latest.value.content.text : '';
  const time = when(latest.value.timestamp);
  return h('li', { class: 'conversation' + (conversation.unread ? ' unread' : ''), 'data-root': conversation.root },
    h('a', { href: '#/private/' + enc(conversation.root) },
      h('span', { class: 'participants' }, names(conversation.participants, me)),
      conversation.unread ? h('span', { class: 'count' }, ` ${conversation.unread} unread`) : null),
    ' ',
    h('time', { datetime: time.iso }, time.text),
    h('p', { class: 'snippet' }, (latest.name || shortId(latest.value.author)) + ': ' + text.slice(0, 140)));
}

/** People to write to: those in conversations and those in the home timeline, by name. */
async function knownPeople(conversations, me) {
  const people = new Map();
  for (const conversation of conversations) {
    for (const p of conversation.participants) if (p.id !== me) people.set(p.id, p.name || shortId(p.id));
  }
  try {
    const home = await get('/api/timeline/home?kind=all&limit=200');
    for (const message of home.messages) {
      const author = message.value.author;
      if (author !== me && !people.has(author)) people.set(author, message.name || shortId(author));
    }
  } catch (e) {
    // the list of conversations is enough to write to someone
  }
  return [...people.entries()].sort((a, b) => a[1].localeCompare(b[1]));
}

function newConversationForm(people) {
  const status = h('p', { class: 'status', role: 'status' });
  const text = h('textarea', { id: 'private-text', name: 'text', rows: 4, required: true });
  const other = h('input', { id: 'private-other', name: 'other', placeholder: '@….ed25519' });
  const choices = people.map(([id, name], i) => h('label', { class: 'recipient' },
    h('input', { type: 'checkbox', name: 'recipient', value: id, id: 'recipient-' + i }), ' ', name));
  const button = h('button', { type: 'submit' }, 'Send privately');
  const form = h('form', { class: 'private-new' },
    h('fieldset', {}, h('legend', {}, 'To'),
      choices.length ? choices : h('p', { class: 'empty' }, 'Follow someone to pick them here, or give a feed id.'),
      h('label', { for: 'private-other' }, 'Or a feed id'), other),
    h('label', { for: 'private-text' }, 'Message (markdown)'), text,
    h('div', { class: 'actions' }, button), status);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const recps = [...form.querySelectorAll('input[name=recipient]:checked')].map((box) => box.value);
    if (other.value.trim()) recps.push(other.value.trim());
    if (!recps.length) { status.textContent = 'Pick at least one recipient.'; return; }
    if (recps.length > MAX_OTHERS) { status.textContent = `At most ${MAX_OTHERS} recipients besides you.`; return; }
    if (!text.value.trim()) return;
    await whileBusy(button, async () => {
      status.textContent = 'Sending…';
      try {
        const published = await post('/api/publish', { content: { type: 'post', text: text.value, recps } });
        location.hash = '#/private/' + enc(published.key);
      } catch (e) {
        status.textContent = 'Could not send: ' + e.message;
      }
    });
  });
  return form;
}

export async function privateView(page) {
  const list = await get('/api/private');
  page.setUnread(list.unread);
  const people = await knownPeople(list.conversations, page.me);
  const items = h('ul', { class: 'conversations', 'aria-label': 'Private conversations' },
    list.conversations.map((c) => conversationItem(c, page.me)));
  page.render(
    h('h1', {}, 'Private'),
    list.conversations.length ? items : h('p', { class: 'empty' }, 'No private messages yet.'),
    h('h2', {}, 'New private message'),
    newConversationForm(people));
  return {
    async onPrivate() {
      // a new message moves its conversation to the top: list them again
      const fresh = await get('/api/private');
      items.replaceChildren(...fresh.conversations.map((c) => conversationItem(c, page.me)));
    },
  };
}

export async function conversationView(page, root) {
  const conversation = await get('/api/private/' + enc(root));
  const list = new MessageList('Private conversation', false);
  list.add(conversation.messages);
  const status = h('p', { class: 'status', role: 'status' });
  const lastKey = () => {
    const articles = list.element.querySelectorAll('article[data-key]');
    return articles.length ? articles[articles.length - 1].getAttribute('data-key') : root;
  };
  const reload = async () => {
    const fresh = await get('/api/private/' + enc(root));
    for (const message of fresh.messages) list.addLive(message);
  };
  page.render(
    h('h1', {}, 'Private'),
    h('p', { class: 'participants' }, 'Between ',
      conversation.participants.flatMap((p, i) => [i ? ', ' : '',
        avatar(p.image, 'avatar-small'), h('a', { href: '#/profile/' + enc(p.id) }, p.name || shortId(p.id))])),
    list.element,
    composer({ label: 'Private reply', root, branch: lastKey, onPublished: reload }),
    status);
  if (conversation.unread) {
    try {
      page.setUnread((await post('/api/private/read', { root })).unread);
    } catch (e) {
      status.append(errorText(e));
    }
  }
  return {
    async onPrivate(message, event) {
      if (event.root !== root) return;
      list.addLive(message);
      page.setUnread((await post('/api/private/read', { root })).unread);
    },
  };
}
