// Builds DOM nodes. Text from feeds goes in only as text nodes; the one way in for markup is
// sanitizedHtml, for HTML that the server rendered from markdown and sanitized.

/** h('a', {href: '#/x', class: 'c'}, 'text', child): an element with attributes and children. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) {
      element.addEventListener(name.slice(2), value);
    } else if (name === 'class') {
      element.className = value;
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Server-sanitized HTML (the `html` field of a post). */
export function sanitizedHtml(html) {
  const wrapper = document.createElement('div');
  wrapper.className = 'markdown';
  wrapper.innerHTML = html;
  return wrapper;
}

/**
 * Runs `work` with `button` marked busy, and ignores the button while it is. Busy (aria-busy), not disabled:
 * a disabled button drops the keyboard focus to the start of the page.
 */
export async function whileBusy(button, work) {
  if (button.getAttribute('aria-busy') === 'true') return;
  button.setAttribute('aria-busy', 'true');
  try {
    await work();
  } finally {
    button.removeAttribute('aria-busy');
  }
}

export function replace(element, ...children) {
  element.replaceChildren();
  append(element, children);
}

export function shortId(id) {
  return id.length > 12 ? id.slice(0, 10) + '…' : id;
}

export function when(timestamp) {
  const date = new Date(timestamp);
  return { text: date.toLocaleString(), iso: date.toISOString() };
}
