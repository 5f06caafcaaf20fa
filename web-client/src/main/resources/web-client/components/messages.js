// A message as the timelines, threads and profiles show it, and the lists that hold them.
import { get, query, enc } from '../api.js';
import { h, sanitizedHtml, shortId, when, whileBusy } from '../dom.js';
import { enhance, socialBar, withWarning } from './social.js';

export const BLOB_REF = /&[A-Za-z0-9+/]{43}=\.sha256/g;

export function isBlobId(value) {
  return typeof value === 'string' && /^&[A-Za-z0-9+/]{43}=\.sha256$/.test(value);
}

/** The author's image (a blob served by this server), or a plain placeholder of the same size. */
export function avatar(imageId, className) {
  return isBlobId(imageId)
    ? h('img', { class: className, src: '/blobs/' + enc(imageId), alt: '' })
    : h('span', { class: className + ' none', 'aria-hidden': 'true' });
}

function authorLink(message) {
  const author = message.value.author;
  return h('a', { class: 'author', href: '#/profile/' + enc(author) }, message.name || shortId(author));
}

export function threadRoot(message) {
  const content = message.value.content;
  return content && typeof content.root === 'string' ? content.root : message.key;
}

function renderMessage(message) {
  const content = message.value.content;
  const time = when(message.value.timestamp);
  const body = typeof message.html === 'string'
    ? withWarning(content, enhance(sanitizedHtml(message.html)))
    : h('p', { class: 'meta' }, describe(content));
  const threadLink = '#/thread/' + enc(threadRoot(message));
  return h('article', { class: 'message', 'data-key': message.key },
    h('header', {},
      avatar(message.image, 'avatar-small'),
      authorLink(message),
      ' ',
      h('a', { class: 'time', href: '#/thread/' + enc(threadRoot(message)) },
        h('time', { datetime: time.iso }, time.text))),
    body,
    h('footer', {},
      socialBar(message, threadLink),
      h('a', { class: 'thread-link', href: threadLink, 'aria-label': 'Open the thread' }, 'Thread')));
}

function describe(content) {
  if (typeof content === 'string') return 'a private message';
  if (!content || typeof content.type !== 'string') return 'a message';
  if (content.type === 'contact') {
    const verb = content.blocking ? 'blocked' : content.following ? 'followed' : 'unfollowed';
    return `${verb} ${shortId(String(content.contact))}`;
  }
  if (content.type === 'vote') return content.vote && content.vote.value > 0 ? `liked a message ${content.vote.expression || ''}`.trim() : 'took back a like';
  if (content.type === 'channel') return `${content.subscribed ? 'subscribed to' : 'unsubscribed from'} #${content.channel}`;
  if (content.type === 'about') return 'updated a profile';
  return `a ${content.type} message`;
}

/** A list of messages that grows at the bottom (older pages) or at the top (live), each shown once. */
export class MessageList {
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
export function pager(path, list, next) {
  const button = h('button', { type: 'button', class: 'more' }, 'Load more');
  const paging = h('div', { class: 'paging' }, button);
  let cursor = next;
  const update = () => { button.hidden = !cursor; };
  button.addEventListener('click', () => whileBusy(button, async () => {
    try {
      const cursorQuery = query({ before: cursor });
      const page = await get(path + (path.includes('?') ? '&' + cursorQuery.slice(1) : cursorQuery));
      list.add(page.messages);
      cursor = page.next;
    } catch (e) {
      paging.append(errorText(e));
    } finally {
      update();
    }
  }));
  update();
  return paging;
}

export function errorText(error) {
  return h('p', { class: 'error', role: 'alert' }, String(error.message || error));
}
