// One blob: shown when it is an image stored here, and a link to its bytes.
import { enc } from '../api.js';
import { h } from '../dom.js';

export async function blobView(page, blobId) {
  const src = '/blobs/' + enc(blobId);
  page.render(h('h1', {}, 'Blob'), h('p', { class: 'feed-id' }, h('code', {}, blobId)),
    h('p', {}, h('img', { class: 'blob', src, alt: 'The blob, shown when it is an image stored here' })),
    h('p', {}, h('a', { href: src }, 'Open the blob')));
  return {};
}
