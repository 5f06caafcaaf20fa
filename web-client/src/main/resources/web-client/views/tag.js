// A tag's page: the posts with #name (as a channel, a mention or a word in the text), and Subscribe/Unsubscribe.
import { get, post, enc } from '../api.js';
import { h, whileBusy } from '../dom.js';
import { MessageList, pager } from '../components/messages.js';

export async function tagView(page, name) {
  const path = '/api/tag/' + enc(name);
  const first = await get(path);
  const list = new MessageList('Posts tagged #' + first.tag);
  list.add(first.messages);
  const status = h('p', { class: 'status', role: 'status' });
  const subscribe = h('button', { type: 'button', 'aria-pressed': String(first.subscribed) },
    first.subscribed ? 'Unsubscribe' : 'Subscribe');
  subscribe.addEventListener('click', () => whileBusy(subscribe, async () => {
    const subscribed = subscribe.getAttribute('aria-pressed') !== 'true';
    try {
      await post('/api/publish', { content: { type: 'channel', channel: first.tag, subscribed } });
      subscribe.setAttribute('aria-pressed', String(subscribed));
      subscribe.textContent = subscribed ? 'Unsubscribe' : 'Subscribe';
      status.textContent = subscribed ? `Subscribed to #${first.tag}.` : `Unsubscribed from #${first.tag}.`;
    } catch (e) {
      status.textContent = 'Could not publish: ' + e.message;
    }
  }));
  page.render(
    h('h1', {}, '#' + first.tag),
    h('div', { class: 'actions' }, subscribe),
    status,
    first.messages.length ? null : h('p', { class: 'empty' }, 'No posts with this tag are stored here.'),
    list.element,
    pager(path, list, first.next));
  return {};
}

