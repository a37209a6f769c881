/** The parts of parse-prometheus-text-format (a Prometheus text-format parser) the tests use. */
declare module 'parse-prometheus-text-format' {
  /** One sample of a family: its value as written, and its labels if it has any. */
  export interface ParsedSample {
    readonly value: string;
    readonly labels?: Readonly<Record<string, string>>;
  }
  /** One metric family, as prom2json prints it. */
  export interface ParsedFamily {
    readonly name: string;
    readonly help: string;
    readonly type: string;
    readonly metrics: readonly ParsedSample[];
  }
  /** Parses the text exposition format; throws on what it cannot read. */
  export default function parsePrometheusTextFormat(text: string): ParsedFamily[];
}
