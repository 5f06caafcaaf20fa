// Navigation tickets: every route change takes a new ticket, and a view may paint the page only while
// its ticket is the newest. A view that loads slowly (a large thread, a busy server) can then neither
// overwrite the view the user has moved on to, nor keep its timers running once it is dropped.
import { replace } from './dom.js';

export function navigator(main) {
  let newest = 0;
  return {
    /** A ticket for the navigation that starts now; every earlier ticket stops being current. */
    begin() {
      const number = ++newest;
      return {
        get current() { return number === newest; },
        /** Replaces the page's main content, unless a newer navigation has started; says whether it did. */
        render(...children) {
          if (number !== newest) return false;
          replace(main, ...children);
          return true;
        },
      };
    },
  };
}
