// Connected peers and per-feed sync progress, and the rooms attended with who attends them, refreshed every
// 2 seconds while the view is shown.
import { get, enc } from '../api.js';
import { h, replace, shortId } from '../dom.js';

const REFRESH_MS = 2000;

export async function peersView(page) {
  const section = h('section', { 'aria-label': 'Replication' });
  page.render(h('h1', {}, 'Peers and sync'), section);
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
      peers.map((peer) => renderPeer(peer, names.get(peer.id))),
      (status.rooms || []).map((room) => renderRoom(room)));
  };
  await refresh();
  // The router stops this timer when the view goes, or at once if a newer view came while it loaded.
  const timer = setInterval(() => refresh().catch(() => {}), REFRESH_MS);
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

// A room this server attends (it dialled the room's address): the other attendants, and which of them we are
// connected to (through the room's tunnels, or otherwise). Tunnels are opened to those within our hops.
function renderRoom(room) {
  const attendants = room.attendants || [];
  return h('article', { class: 'peer room' },
    h('h2', {}, 'Room ', h('a', { href: '#/profile/' + enc(room.room) }, room.name || shortId(room.room))),
    h('p', { class: 'meta' }, `${room.protocol === 'rooms2' ? 'rooms 2' : 'rooms 1'}; ${attendants.length} other attendant(s)`),
    h('ul', {}, attendants.map((attendant) => h('li', {},
      h('a', { href: '#/profile/' + enc(attendant.id) }, shortId(attendant.id)),
      attendant.connected ? ' (connected)' : ''))));
}
