/** Small DOM helpers and shared wording of the web app's pages. */

/** Creates an element: el('button', {class: 'x', dataset: {testid: 'y'}, onclick}, 'text', child...). */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key === 'class') node.className = value;
    else if (key in node && typeof value !== 'string') node[key] = value;
    else node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

/** The first name of a display name ("Bob Brown" -> "Bob"), for short sentences. */
export function firstName(displayName) {
  return String(displayName || 'The other person').trim().split(/\s+/)[0];
}

/** An avatar URL, or a generated picture with the person's initials when they have none. */
export function avatarSrc(parley, avatar, name) {
  const url = parley.avatarUrl(avatar);
  if (url) return url;
  const initials = String(name || '?').split(/\s+/).map(part => part[0] || '').join('').slice(0, 2).toUpperCase();
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" fill="#5865a8"/>`
    + `<text x="32" y="41" font-family="sans-serif" font-size="26" fill="#fff" text-anchor="middle">${initials.replace(/[<&>"]/g, '')}</text></svg>`;
  return `data:image/svg+xml,${encodeURIComponent(svg)}`;
}

/** Opens the call window: its own browser window, one per call. */
export function openCallWindow(query) {
  const params = new URLSearchParams(query);
  const name = `parley-call-${Date.now()}`;
  const width = Math.min(1100, screen.availWidth || 1100);
  const height = Math.min(760, screen.availHeight || 760);
  return window.open(`/call.html?${params}`, name, `popup=yes,width=${width},height=${height}`);
}

/** Reads a remembered setting from localStorage, with a default when absent or unreadable. */
export function remembered(key, fallback) {
  try {
    const value = localStorage.getItem(key);
    return value === null ? fallback : JSON.parse(value);
  } catch (e) {
    return fallback;
  }
}

export function remember(key, value) {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch (e) {
    // private mode or storage full: the setting is simply not remembered
  }
}

/** End reasons in words, from the point of view of the person reading them. */
export function missedReason(reason) {
  return {
    NO_ANSWER: 'no answer', UNAVAILABLE: 'you were unavailable', CANCELLED: 'cancelled by the caller', BUSY: 'you were busy',
  }[reason] || String(reason || '').toLowerCase().replace(/_/g, ' ');
}

export function formatTime(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const today = new Date();
  const sameDay = date.toDateString() === today.toDateString();
  return sameDay ? date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
    : date.toLocaleString([], { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}
