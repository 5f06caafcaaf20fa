// Activity: replies in the user's threads, mentions of them, likes of their posts and new followers, newest
// first. Opening it marks everything as seen (the unread count in the navigation drops to zero).
import { get, query } from '../api.js';
import { h } from '../dom.js';
import { MessageList } from '../components/messages.js';
import { markActivitySeen } from '../components/unread.js';

const KINDS = { reply: 'replied in your thread', mention: 'mentioned you', vote: 'liked your post', follow: 'followed you' };

export async function activityView(page) {
  const first = await get('/api/activity');
  markActivitySeen(first.total);
  const list = new MessageList('Activity');
  const add = (items) => {
    list.add(items.map((item) => item.message));
    for (const item of items) {
      const article = list.element.querySelector(`article[data-key="${CSS.escape(item.message.key)}"]`);
      if (article && !article.querySelector('.activity-kind')) {
        article.prepend(h('p', { class: 'activity-kind meta', 'data-kind': item.kind }, (item.message.name || 'Someone') + ' ' + KINDS[item.kind]));
      }
    }
  };
  add(first.items);
  let next = first.next;
  const more = h('button', { type: 'button', class: 'more', hidden: !next }, 'Load more');
  more.addEventListener('click', async () => {
    const older = await get('/api/activity' + query({ before: next }));
    add(older.items);
    next = older.next;
    more.hidden = !next;
  });
  page.render(
    h('h1', {}, 'Activity'),
    first.items.length ? null : h('p', { class: 'empty' }, 'No replies, mentions, likes or new followers yet.'),
    list.element,
    h('div', { class: 'paging' }, more));
  return {};
}
