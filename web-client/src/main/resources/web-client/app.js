// The conch web client: hash routes, one view at a time, live updates over Server-Sent Events.
// Views live in views/, the pieces they share in components/; this file routes and listens.
import { get, token, enc } from './api.js';
import { h, replace } from './dom.js';
import { navigator } from './navigation.js';
import { errorText } from './components/messages.js';
import { timelineView } from './views/timeline.js';
import { threadView } from './views/thread.js';
import { profileView } from './views/profile.js';
import { peersView } from './views/peers.js';
import { inviteView } from './views/invite.js';
import { blobView } from './views/blob.js';
import { privateView, conversationView } from './views/private.js';
import { activityView } from './views/activity.js';
import { tagView } from './views/tag.js';
import { searchView } from './views/search.js';
import { refreshUnread, startUnreadCount } from './components/unread.js';

const main = document.getElementById('main');
const live = document.getElementById('live');
const navigation = navigator(main);

let me = null;                 // the local identity's id
let view = null;               // the current view: { onMessage(message, event), stop() }, both optional
let settled = 0;               // navigations finished, shown or dropped for a newer one

const routes = [
  [/^#\/(?:home)?$/, (page) => timelineView(page, 'home')],
  [/^#\/public$/, (page) => timelineView(page, 'public')],
  [/^#\/thread\/(.+)$/, (page, id) => threadView(page, id)],
  [/^#\/profile\/(.+)$/, (page, id) => profileView(page, id)],
  [/^#\/peers$/, (page) => peersView(page)],
  [/^#\/invite$/, (page) => inviteView(page)],
  [/^#\/blob\/(.+)$/, (page, id) => blobView(page, id)],
  [/^#\/private$/, (page) => privateView(page)],
  [/^#\/private\/(.+)$/, (page, id) => conversationView(page, id)],
  [/^#\/activity$/, (page) => activityView(page)],
  [/^#\/tag\/(.+)$/, (page, name) => tagView(page, name)],
  [/^#\/search(?:\/(.*))?$/, (page, text) => searchView(page, text)],
];

async function route() {
  const ticket = navigation.begin();
  if (view && view.stop) view.stop();
  view = null;
  const hash = location.hash || '#/home';
  const found = routes.find(([pattern]) => pattern.test(hash));
  if (!found) {
    ticket.render(h('h1', {}, 'Not found'), h('p', {}, h('a', { href: '#/home' }, 'Go home')));
    finish(ticket, hash, null);
    return;
  }
  for (const link of document.querySelectorAll('nav a')) {
    link.toggleAttribute('aria-current', link.getAttribute('href') === hash);
  }
  // What a view gets: who the user is, and a page it may paint only while its navigation is the newest.
  const page = { me, render: ticket.render, refresh: route, setUnread: showUnread };
  const argument = found[0].exec(hash)[1];
  let shown = null;
  try {
    shown = await found[1](page, argument === undefined ? undefined : decodeURIComponent(argument));
  } catch (e) {
    ticket.render(h('h1', {}, 'Something went wrong'), errorText(e));
  }
  finish(ticket, hash, shown);
}

/** Makes a view current, or drops it (timers and all) when a newer navigation started while it loaded. */
function finish(ticket, hash, shown) {
  if (ticket.current) {
    view = shown;
    main.dataset.route = hash; // tells a waiting test (and a screen reader's focus) the view is in place
    // The new view gets the focus, unless it put it on one of its own fields (Search does).
    if (!main.contains(document.activeElement)) main.focus({ preventScroll: true });
  } else if (shown && shown.stop) {
    shown.stop();
  }
  main.dataset.settled = String(++settled);
}

function listen() {
  const events = new EventSource('/api/events');
  events.addEventListener('open', () => { live.textContent = 'live'; live.classList.add('on'); });
  events.addEventListener('error', () => { live.textContent = 'reconnecting'; live.classList.remove('on'); });
  events.addEventListener('message', (event) => {
    const data = JSON.parse(event.data);
    refreshUnread();
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

/** The number of unread private messages, beside Private in the navigation. */
function showUnread(count) {
  const badge = document.getElementById('private-unread');
  badge.hidden = !count;
  badge.textContent = count ? ` (${count} unread)` : '';
}

/** Private messages come on a stream of their own, which needs the token: only this client reads them. */
function listenPrivate() {
  const events = new EventSource('/api/private/events?token=' + enc(token()));
  events.addEventListener('message', (event) => {
    const data = JSON.parse(event.data);
    showUnread(data.unread);
    if (view && view.onPrivate) view.onPrivate(data.message, data);
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
  startUnreadCount(document.getElementById('unread'));
  listen();
  listenPrivate();
  get('/api/private').then((list) => showUnread(list.unread), () => {});
  await route();
  document.body.dataset.ready = 'true';
}

start();
