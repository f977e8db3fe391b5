/** Around the generated part of the README's Benchmark section; what lies outside them is written by hand. */
export const benchmarkSectionStart = "<!-- benchmark results: written by npm run bench -- --update-readme -->";
export const benchmarkSectionEnd = "<!-- end of benchmark results -->";

/** The README with the generated benchmark section replaced by `section`; everything else is kept as it is. */
export function replaceBenchmarkSection(readme: string, section: string): string {
  const start = readme.indexOf(benchmarkSectionStart);
  const end = readme.indexOf(benchmarkSectionEnd);
  if (
    start < 0 ||
    end < start ||
    readme.indexOf(benchmarkSectionStart, start + 1) >= 0 ||
    readme.indexOf(benchmarkSectionEnd, end + 1) >= 0
  ) {
    throw new Error(
      `README.md must hold "${benchmarkSectionStart}" once, then "${benchmarkSectionEnd}" once, around the generated benchmark section`,
    );
  }
  return `${readme.slice(0, start + benchmarkSectionStart.length)}\n\n${section.trim()}\n\n${readme.slice(end)}`;
}
