// The home and public timelines.
import { get } from '../api.js';
import { h } from '../dom.js';
import { MessageList, pager } from '../components/messages.js';
import { composer, showPublished } from '../components/compose.js';

export async function timelineView(page, kind) {
  const path = '/api/timeline/' + kind;
  const first = await get(path);
  const list = new MessageList(kind === 'home' ? 'Home timeline' : 'Public timeline');
  list.add(first.messages);
  page.render(
    h('h1', {}, kind === 'home' ? 'Home' : 'Public'),
    composer({ label: 'New post (markdown)', onPublished: (p) => showPublished(list, p) }),
    first.messages.length ? null : h('p', { class: 'empty' },
      kind === 'home' ? 'Nothing here yet: follow someone, or accept an invite to a pub.' : 'No posts stored yet.'),
    list.element,
    pager(path, list, first.next));
  return {
    onMessage(message, event) {
      if (typeof message.html !== 'string') return;
      if (kind === 'public' || event.home) list.addLive(message);
    },
  };
}
