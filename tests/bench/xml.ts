/**
 * A small XML well-formedness checker for the SVG tests (no XML parser among the dependencies):
 * one root element, properly nested and closed tags, quoted and unique attributes, no stray `<`
 * or `&` in text or attribute values.
 */

/** An element as the checker saw it. */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  /** The text directly inside it (entities left as written). */
  text: string;
}

const NAME = /^[A-Za-z_][\w.:-]*/;
const ENTITY = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/;

function checkText(text: string, where: number): void {
  const bad = ENTITY.exec(text);
  if (bad !== null) throw new Error(`stray "&" at ${where + bad.index}`);
  if (text.includes("]]>")) throw new Error(`"]]>" in text at ${where}`);
}

/**
 * Checks `source` and returns its elements in document order.
 * @throws Error naming the first problem and its offset.
 */
export function parseXml(source: string): XmlElement[] {
  let i = 0;
  const decl = /^<\?xml[^?]*\?>/.exec(source);
  if (decl !== null) i = decl[0].length;
  const elements: XmlElement[] = [];
  const stack: XmlElement[] = [];
  let roots = 0;
  while (i < source.length) {
    const lt = source.indexOf("<", i);
    const text = source.slice(i, lt === -1 ? source.length : lt);
    checkText(text, i);
    if (stack.length > 0) stack[stack.length - 1].text += text;
    else if (text.trim() !== "") throw new Error(`text outside the root element at ${i}`);
    if (lt === -1) break;
    if (source.startsWith("<!--", lt)) {
      const end = source.indexOf("-->", lt + 4);
      if (end === -1) throw new Error(`unclosed comment at ${lt}`);
      i = end + 3;
      continue;
    }
    const gt = source.indexOf(">", lt);
    if (gt === -1) throw new Error(`unclosed tag at ${lt}`);
    const tag = source.slice(lt + 1, gt);
    if (tag.startsWith("/")) {
      const name = tag.slice(1).trim();
      const open = stack.pop();
      if (open === undefined || open.name !== name) throw new Error(`</${name}> at ${lt} closes ${open ? `<${open.name}>` : "nothing"}`);
    } else {
      const selfClosing = tag.endsWith("/");
      const body = selfClosing ? tag.slice(0, -1) : tag;
      const name = NAME.exec(body)?.[0];
      if (name === undefined) throw new Error(`bad tag name at ${lt}: <${tag}>`);
      const attrs: Record<string, string> = {};
      let rest = body.slice(name.length);
      for (;;) {
        const m = /^\s+([A-Za-z_][\w.:-]*)="([^"<]*)"/.exec(rest);
        if (m === null) break;
        if (m[1] in attrs) throw new Error(`duplicate attribute ${m[1]} at ${lt}`);
        checkText(m[2], lt);
        attrs[m[1]] = m[2];
        rest = rest.slice(m[0].length);
      }
      if (rest.trim() !== "") throw new Error(`malformed attributes at ${lt}: ${rest.trim().slice(0, 40)}`);
      const el: XmlElement = { name, attrs, text: "" };
      if (stack.length === 0) roots++;
      if (roots > 1) throw new Error(`a second root element at ${lt}`);
      elements.push(el);
      if (!selfClosing) stack.push(el);
    }
    i = gt + 1;
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack[stack.length - 1].name}>`);
  if (roots !== 1) throw new Error("no root element");
  return elements;
}
