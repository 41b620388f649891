import ArgumentParser
import Foundation
import MarginExtract

/// Article extraction against a corpus of real pages with reference extractions.
struct ExtractBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract", abstract: "Article extraction quality and speed on a corpus of real pages, one core.")

    @Option(help: "The corpus: one folder per page with source.html, expected.html and expected-metadata.json.")
    var corpus = "Tests/Fixtures/readability-test-pages"

    @Option(help: "Where to write the JSON result.")
    var output = "bench/results"

    @Flag(help: "Print each page's scores, worst first.")
    var pages = false

    func run() throws {
        let result = try ExtractionCorpus(directory: corpus)
        var report = Report(title: "Extract")
        if pages {
            for page in result.pages.sorted(by: { $0.score.f1 < $1.score.f1 }) {
                print(
                    String(
                        format: "  %-44@ F1 %.3f  P %.3f  R %.3f  %6.1f ms (parse %5.1f)  title %@%@",
                        page.name as NSString, page.score.f1, page.score.precision, page.score.recall,
                        page.seconds * 1000, page.parseSeconds * 1000, page.titleMatches ? "✓" : "✗",
                        page.failure.map { "  failed: \($0)" } ?? ""))
            }
        }
        let (precision, recall, f1) = result.meanScore
        let seconds = result.pages.reduce(0) { $0 + $1.seconds }
        let failures = result.pages.filter { $0.failure != nil }
        print("Extract benchmark: \(result.pages.count) pages of \(corpus) (one thread; release build recommended)")
        report.add(
            Measurement(
                name: "extract \(result.pages.count) pages", records: result.pages.count, seconds: seconds,
                note: String(
                    format: "body F1 %.3f (precision %.3f, recall %.3f); %d failed; output %@", f1, precision,
                    recall, failures.count, String(result.digest.prefix(12)) as NSString)))
        let parseSeconds = result.pages.reduce(0) { $0 + $1.parseSeconds }
        let megabytes = Double(result.pages.reduce(0) { $0 + $1.bytes }) / 1_048_576
        report.add(
            Measurement(
                name: "limit: libxml2 parse alone, same pages", records: result.pages.count, seconds: parseSeconds,
                note: String(
                    format: "%.1f MiB at %.1f MiB/s; extraction %.1f MiB/s", megabytes, megabytes / parseSeconds,
                    megabytes / seconds)))
        let titles = result.pages.count(where: \.titleMatches)
        report.addTarget(
            TargetCheck(
                figure: "body F1, mean over pages", measured: String(format: "%.3f", f1), goal: "≥ 0.95",
                met: f1 >= 0.95))
        report.addTarget(
            TargetCheck(
                figure: "exact titles", measured: "\(titles)/\(result.pages.count) (\(percent(result.titleRate)))",
                goal: "≥ 90%", met: result.titleRate >= 0.9))
        report.addTarget(
            TargetCheck(
                figure: "bylines (pages with one)", measured: percent(result.bylineRate), goal: "reported", met: true))
        report.addTarget(
            TargetCheck(
                figure: "published times (pages with one)", measured: percent(result.dateRate), goal: "reported",
                met: true))
        let rate = Double(result.pages.count) / seconds
        report.addTarget(
            TargetCheck(
                figure: "pages per second, one core", measured: String(format: "%.0f", rate), goal: "≥ 200",
                met: rate >= 200,
                limit: String(
                    format: "libxml2 alone parses %.0f pages/s of these", Double(result.pages.count) / parseSeconds)))
        report.addTarget(
            TargetCheck(
                figure: "pages failing to import", measured: "\(failures.count)", goal: "0", met: failures.isEmpty))
        report.printTargets()
        try report.write(to: output, name: "extract")
    }

    private func percent(_ share: Double) -> String { String(format: "%.1f%%", share * 100) }
}
