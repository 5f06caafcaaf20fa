// A thread: its first message, the replies oldest first, and a reply form.
import { get, query, enc } from '../api.js';
import { h } from '../dom.js';
import { MessageList, threadRoot } from '../components/messages.js';
import { composer, showPublished } from '../components/compose.js';

export async function threadView(page, rootId) {
  const thread = await get('/api/thread/' + enc(rootId));
  const list = new MessageList('Thread', false);
  if (thread.root) list.add([thread.root]);
  list.add(thread.messages);
  let next = thread.next;
  const more = h('button', { type: 'button', class: 'more', hidden: !next }, 'Load more replies');
  more.addEventListener('click', async () => {
    const replies = await get('/api/thread/' + enc(rootId) + query({ after: next }));
    list.add(replies.messages);
    next = replies.next;
    more.hidden = !next;
  });
  const lastKey = () => {
    const articles = list.element.querySelectorAll('article[data-key]');
    return articles.length ? articles[articles.length - 1].getAttribute('data-key') : rootId;
  };
  page.render(
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
