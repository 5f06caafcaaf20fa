// What people do with a post, shown on every message: likes (with who liked, on demand), replies (how many,
// the newest, a Reply action), content warnings, #tags as links and @mentions with the names feeds gave themselves.
import { get, post, enc } from '../api.js';
import { h, shortId, whileBusy } from '../dom.js';
import { composer } from './compose.js';

const FEED_ID = /^@[A-Za-z0-9+/]{43}=\.ed25519$/;
const TAG_IN_TEXT = /(^|[\s(\[])#([\p{L}\p{N}_-]+)/gu;
const names = new Map(); // feed id -> Promise of its name (or null)

/** The body of a message inside a collapsed `<details>` when it carries a content warning. */
export function withWarning(content, body) {
  const warning = content && typeof content.contentWarning === 'string' ? content.contentWarning.trim() : '';
  if (!warning) return body;
  return h('details', { class: 'content-warning' }, h('summary', {}, 'Content warning: ', warning), body);
}

/** Turns `#tag` words of server-rendered text into links to the tag's page, and raw `@id` mentions into names. */
export function enhance(body) {
  const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
  const texts = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.parentElement.closest('a, code, pre')) texts.push(node);
  }
  for (const node of texts) linkTags(node);
  for (const link of body.querySelectorAll('a[href^="#/profile/"]')) {
    const text = link.textContent.trim();
    const id = text.startsWith('@') ? text : null;
    if (id && FEED_ID.test(id)) nameOf(id).then((name) => { if (name) link.textContent = '@' + name; });
  }
  return body;
}

function linkTags(node) {
  const text = node.textContent;
  TAG_IN_TEXT.lastIndex = 0;
  if (!TAG_IN_TEXT.test(text)) return;
  TAG_IN_TEXT.lastIndex = 0;
  const parts = [];
  let at = 0;
  for (const match of text.matchAll(TAG_IN_TEXT)) {
    const start = match.index + match[1].length;
    parts.push(text.slice(at, start));
    parts.push(h('a', { class: 'tag', href: '#/tag/' + enc(match[2].toLowerCase()) }, '#' + match[2]));
    at = start + 1 + match[2].length;
  }
  parts.push(text.slice(at));
  node.replaceWith(...parts);
}

function nameOf(id) {
  if (!names.has(id)) names.set(id, get('/api/about/' + enc(id)).then((about) => about.name || null, () => null));
  return names.get(id);
}

/** The likes of a message as text: "2 ❤️ · 1 Like". */
function likesText(votes) {
  const parts = Object.entries(votes.expressions || {}).map(([expression, count]) => `${count} ${expression}`);
  return parts.join(' · ');
}

/** The actions under a message: Like/Unlike, who liked, replies, Reply. */
export function socialBar(message, threadLink) {
  const votes = message.votes || { count: 0, expressions: {}, mine: false };
  const bar = h('div', { class: 'social' });
  const likes = h('span', { class: 'likes', 'aria-live': 'polite' }, likesText(votes));
  const like = h('button', { type: 'button', class: 'like', 'aria-pressed': votes.mine ? 'true' : 'false' },
    votes.mine ? 'Unlike' : 'Like');
  like.addEventListener('click', () => whileBusy(like, async () => {
    const liking = like.getAttribute('aria-pressed') !== 'true';
    try {
      await post('/api/publish', { content: { type: 'vote', vote: { link: message.key, value: liking ? 1 : 0, expression: liking ? 'Like' : 'Unlike' } } });
      const now = await untilVoted(message.key, liking);
      like.setAttribute('aria-pressed', now.mine ? 'true' : 'false');
      like.textContent = now.mine ? 'Unlike' : 'Like';
      likes.textContent = likesText(now);
      who.hidden = now.count === 0;
    } catch (e) {
      likes.textContent = 'Could not like: ' + e.message;
    }
  }));
  const who = h('button', { type: 'button', class: 'who-liked link', 'aria-expanded': 'false', hidden: votes.count === 0 }, 'Who liked');
  const voters = h('ul', { class: 'voters', hidden: true });
  who.addEventListener('click', async () => {
    const open = who.getAttribute('aria-expanded') !== 'true';
    who.setAttribute('aria-expanded', String(open));
    voters.hidden = !open;
    if (!open) return;
    const answer = await get('/api/votes/' + enc(message.key));
    voters.replaceChildren(...answer.voters.map((voter) => h('li', {},
      h('a', { href: '#/profile/' + enc(voter.id) }, voter.name || shortId(voter.id)), ' ', voter.expression)));
  });
  bar.append(like, likes, who);

  const replies = message.replies;
  if (replies && replies.count > 0) {
    const latest = replies.latest ? ` · latest by ${replies.latest.name || shortId(replies.latest.author)}` : '';
    bar.append(h('a', { class: 'replies', href: threadLink }, `${replies.count} ${replies.count === 1 ? 'reply' : 'replies'}${latest}`));
  }
  const slot = h('div', { class: 'reply-slot' });
  if (typeof message.html === 'string') {
    const reply = h('button', { type: 'button', class: 'reply link', 'aria-expanded': 'false' }, 'Reply');
    reply.addEventListener('click', () => {
      const open = reply.getAttribute('aria-expanded') !== 'true';
      reply.setAttribute('aria-expanded', String(open));
      if (!open) { slot.replaceChildren(); return; }
      const form = replyForm(message, (published) => {
        slot.replaceChildren(h('p', { class: 'status' }, 'Reply published. ', h('a', { href: '#/thread/' + enc(rootOfReply(published)) }, 'Open the thread')));
        reply.setAttribute('aria-expanded', 'false');
        reply.focus(); // the form and its button are gone: back to the control that opened it
      });
      slot.replaceChildren(form);
      form.querySelector('textarea').focus();
    });
    bar.append(reply);
  }
  return [bar, voters, slot];
}

/** The root a just-published reply names. */
function rootOfReply(published) {
  const content = published && published.value && published.value.content;
  return content && content.root ? content.root : published.key;
}

/**
 * A reply to this message. To a thread's first message: in its thread. To a reply: a new thread forked from the
 * reply's thread, as Patchwork and Manyverse write it (`root` the reply, `fork` the thread it came from).
 */
function replyForm(message, onPublished) {
  const content = message.value.content || {};
  const inThread = typeof content.root === 'string';
  return composer({
    label: 'Reply to ' + (message.name || shortId(message.value.author)),
    root: message.key,
    fork: inThread ? content.root : undefined,
    branch: () => message.key,
    onPublished,
  });
}

/** The index that counts likes runs on its own thread: ask until it shows the vote just published. */
async function untilVoted(key, liking) {
  for (let tries = 0; tries < 50; tries++) {
    const votes = await get('/api/votes/' + enc(key));
    if (votes.mine === liking) return votes;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return get('/api/votes/' + enc(key));
}
