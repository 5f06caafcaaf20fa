// Search: words of posts (every word must be in a post), #tags, names, or a feed or message id. Paged.
import { get, query, enc } from '../api.js';
import { h, shortId } from '../dom.js';
import { MessageList, avatar, pager } from '../components/messages.js';

export async function searchView(page, text) {
  const input = h('input', { id: 'search-query', name: 'q', type: 'search', value: text || '', autocomplete: 'off' });
  const form = h('form', { class: 'search', role: 'search' },
    h('label', { for: 'search-query' }, 'Search posts, #tags, names or ids'), input,
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Search')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const wanted = input.value.trim();
    if (wanted) location.hash = '#/search/' + enc(wanted);
  });
  if (!text) {
    page.render(h('h1', {}, 'Search'), form);
    input.focus();
    return {};
  }
  const path = '/api/search' + query({ q: text });
  const found = await get(path);
  const list = new MessageList('Posts found');
  list.add(found.messages);
  const feeds = found.feeds.map((about) => h('li', {},
    avatar(about.image, 'avatar-small'), h('a', { href: '#/profile/' + enc(about.id) }, about.name || shortId(about.id))));
  page.render(
    h('h1', {}, 'Search'),
    form,
    feeds.length ? h('section', { 'aria-label': 'People found' }, h('h2', {}, 'People'), h('ul', { class: 'people' }, feeds)) : null,
    h('h2', {}, 'Posts'),
    found.messages.length ? null : h('p', { class: 'empty' }, 'No stored post has all of these words.'),
    list.element,
    pager(path, list, found.next));
  return {};
}
