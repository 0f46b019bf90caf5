// Every piece of data reaches the page as a text node or an attribute value, never as markup.

/** Creates an element; strings among the children become text nodes. */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') element.className = value;
    else if (name === 'dataset') Object.assign(element.dataset, value);
    else if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  element.append(...children.flat().filter((child) => child !== null && child !== undefined && child !== false).map(
    (child) => (child instanceof Node ? child : String(child))));
  return element;
}

/** Replaces an element's children. */
export function fill(element, ...children) {
  element.replaceChildren(...children.flat().filter((child) => child !== null && child !== undefined && child !== false));
}

const count = new Intl.NumberFormat(undefined);
const money = new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export const formatCount = (value) => count.format(value);
export const formatMoney = (value) => money.format(value);
export const formatMinute = (iso) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** A section body for a feature this server does not have yet. */
export const unavailable = (what) => h('p', { class: 'empty' }, `${what} are not available on this server yet.`);
export const empty = (text) => h('p', { class: 'empty' }, text);
