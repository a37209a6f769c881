/** Checks shared by the report tests: the files a page references, and what an SVG chart has. */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { ExecutionContext } from 'ava';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** Every file under `dir`, as paths relative to it, sorted. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

/** The `src` and `href` values of an HTML page. */
export function references(html: string): string[] {
  return [...html.matchAll(/\b(?:src|href)="([^"]*)"/gu)].map((m) => m[1] as string);
}

/** Asserts every reference of `page` is a relative path to a file that exists (no network). */
export function assertReferencesExist(t: ExecutionContext, page: string): string[] {
  const refs = references(readFileSync(page, 'utf8'));
  t.true(refs.length > 0, 'the page references its charts and data');
  for (const ref of refs) {
    t.notRegex(ref, /^(?:[a-z]+:|\/\/)/iu, `${ref}: no absolute or network URL`);
    t.true(existsSync(resolve(dirname(page), ref)), `${ref} exists`);
  }
  return refs;
}

/** Asserts `svg` is well-formed XML with a title, an x and a y axis with ticks and labels. */
export function assertChart(t: ExecutionContext, name: string, svg: string): void {
  t.is(XMLValidator.validate(svg), true, `${name} parses as XML`);
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(svg);
  t.truthy(doc.svg, `${name} is an <svg>`);
  t.is(doc.svg.xmlns, 'http://www.w3.org/2000/svg', `${name} has the SVG namespace`);
  t.regex(svg, /<title>[^<]+<\/title>/u, `${name} has a title`);
  for (const axis of ['x-axis', 'y-axis']) {
    const m = new RegExp(
      `<g class="axis ${axis}"[\\s\\S]*?<text class="axis-label"[^>]*>([^<]+)</text>`,
      'u',
    ).exec(svg);
    t.truthy(m, `${name} has an ${axis} with a label`);
    t.regex(m?.[1] ?? '', /\(.+\)/u, `${name}: the ${axis} label gives a unit in brackets`);
  }
  t.true((svg.match(/class="tick"/gu) ?? []).length >= 4, `${name} has axis ticks`);
  t.regex(svg, /<g class="legend"/u, `${name} has a legend`);
}
