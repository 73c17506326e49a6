/** One series of a scrape: its name, its labels and its value. */
export interface PrometheusSeries {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const SAMPLE = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)(?: \d+)?$/;
const LABEL = /([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g;

/**
 * Prometheus' text format as the services write it (prom-client): one sample a line, label values
 * with `\\`, `\"` and `\n` escaped. A line that is none of a sample, a comment or blank is an error,
 * so a test never reads a broken scrape as a scrape without the series.
 */
export function parsePrometheus(text: string): PrometheusSeries[] {
  const series: PrometheusSeries[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = SAMPLE.exec(line);
    if (!match) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(LABEL)) labels[key] = value.replace(/\\(.)/g, (_, escaped: string) => (escaped === 'n' ? '\n' : escaped));
    series.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return series;
}

/** The sum of the series of `name` whose labels include `labels` (0 for none). */
export function sumOfSeries(scrape: readonly PrometheusSeries[], name: string, labels: Readonly<Record<string, string>> = {}): number {
  return scrape
    .filter((series) => series.name === name && Object.entries(labels).every(([key, value]) => series.labels[key] === value))
    .reduce((total, series) => total + series.value, 0);
}

/** A service's /metrics, parsed. */
export async function scrapeMetrics(baseUrl: string): Promise<PrometheusSeries[]> {
  const response = await fetch(`${baseUrl}/metrics`);
  if (response.status !== 200) throw new Error(`${baseUrl}/metrics answered ${response.status}`);
  return parsePrometheus(await response.text());
}
