/** Around the generated part of docs/performance.md (its latest figures); what lies outside them is written by hand. */
export const benchmarkSectionStart = "<!-- benchmark results: written by npm run bench -- --update-docs -->";
export const benchmarkSectionEnd = "<!-- end of benchmark results -->";

/** The page with the generated benchmark section replaced by `section`; everything else is kept as it is. */
export function replaceBenchmarkSection(page: string, section: string): string {
  const start = page.indexOf(benchmarkSectionStart);
  const end = page.indexOf(benchmarkSectionEnd);
  if (
    start < 0 ||
    end < start ||
    page.indexOf(benchmarkSectionStart, start + 1) >= 0 ||
    page.indexOf(benchmarkSectionEnd, end + 1) >= 0
  ) {
    throw new Error(
      `docs/performance.md must hold "${benchmarkSectionStart}" once, then "${benchmarkSectionEnd}" once, around the generated benchmark section`,
    );
  }
  return `${page.slice(0, start + benchmarkSectionStart.length)}\n\n${section.trim()}\n\n${page.slice(end)}`;
}
