/**
 * Types for d3-node 4 (it ships none): a jsdom document with d3 bound to it, for drawing SVG on
 * the server. Only what Agora's report code uses is declared. d3's own types describe the DOM, so
 * the DOM library is referenced here (the report code is the only user of it).
 */
/// <reference lib="dom" />
declare module 'd3-node' {
  import type * as d3 from 'd3';

  export interface D3NodeOptions {
    /** CSS put in the SVG's `<defs><style>`. */
    readonly styles?: string;
  }

  export class D3Node {
    constructor(options?: D3NodeOptions);
    /** The d3 module, bound to this instance's document. */
    readonly d3: typeof d3;
    /** Appends an `<svg>` with the SVG namespace and the given size to the document's body. */
    createSVG(
      width: number,
      height: number,
      attrs?: Readonly<Record<string, string | number>>,
    ): d3.Selection<SVGSVGElement, unknown, null, undefined>;
    /** The `<svg>` element's markup. */
    svgString(): string;
  }
}
