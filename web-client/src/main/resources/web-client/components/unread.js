// The unread count of the Activity page in the navigation: the number of activity items the server has past the
// total this browser last saw (kept in localStorage), asked again whenever a message arrives live.
import { get } from '../api.js';

const SEEN = 'conch-activity-seen';
let badge = null;
let asking = null;
let secondLook = null;
const SECOND_LOOK_MS = 1500;

function seen() {
  try { return Number(localStorage.getItem(SEEN)) || 0; } catch (e) { return 0; }
}

export function startUnreadCount(element) {
  badge = element;
  refreshUnread();
}

/**
 * Asks for the count again; one question at a time, and one more after it when messages came meanwhile. The
 * server indexes a message on a thread of its own, maybe just after its live event: a second look follows.
 */
export function refreshUnread() {
  if (!badge) return;
  clearTimeout(secondLook);
  secondLook = setTimeout(ask, SECOND_LOOK_MS);
  ask();
}

function ask() {
  if (asking) { asking.again = true; return; }
  asking = { again: false };
  const since = seen();
  get('/api/activity/unread?since=' + since)
    .then((answer) => {
      // Activity was opened while asking: this answer counts what is now seen.
      if (seen() === since) show(answer.unread); else asking.again = true;
    }, () => {})
    .finally(() => {
      const again = asking.again;
      asking = null;
      if (again) setTimeout(ask, 250);
    });
}

export function markActivitySeen(total) {
  try { localStorage.setItem(SEEN, String(total)); } catch (e) { /* the count will just stay */ }
  show(0);
}

function show(unread) {
  if (!badge) return;
  badge.textContent = unread > 0 ? String(unread) : '';
  badge.setAttribute('aria-label', unread > 0 ? `${unread} unread` : 'none unread');
}
