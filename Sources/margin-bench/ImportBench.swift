import ArgumentParser
import Foundation
import MarginClient
import MarginExtract
import MarginShared

/// Imports of other tools' exports: a Kindle clippings file and a Readwise CSV, each of many
/// highlights in a few books, against the store applying as many notes.
struct ImportBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Importing large Kindle and Readwise exports, against the store's own writes.")

    @Option(help: "Comma-separated highlight counts, each spread over --books books.")
    var sizes = "5000,20000"

    @Option(help: "Books the highlights are spread over (a book's text is made of its highlights).")
    var books = 10

    @Option(help: "Where to write the JSON result.")
    var output = "bench/results"

    func run() throws {
        let counts = sizes.split(separator: ",").compactMap { Int($0) }.filter { $0 > 0 }
        guard !counts.isEmpty, books > 0 else { throw ValidationError("--sizes and --books must be positive") }
        var report = Report(title: "Import")
        print("Import benchmark: \(books) books (release build recommended)")
        let work = StoreBench().scratch("import")
        defer { try? FileManager.default.removeItem(atPath: work) }
        var perNote: [String: [Double]] = [:]
        var limits: [Double] = []
        for count in counts {
            // What the import must at least do: write that many notes into a profile.
            let notes = StoreBench().remoteNotes(count: count, articleID: "a-bench").map(DecodedRecord.init)
            let applyStore = try LocalStore(home: "\(work)/apply-\(count)")
            let applied = try time { try applyStore.apply(notes, cursor: "bench") }
            report.add(
                Measurement(name: "limit: the store applies \(count) notes, one tx", records: count, seconds: applied))
            limits.append(applied)
            for format in [LibraryFormat.kindle, .readwise] {
                let data = Data(Self.export(format, highlights: count, books: books).utf8)
                var library = Library()
                let parsed = try time { library = try LibraryImporter.parse(data, format: format) }
                report.add(
                    Measurement(
                        name: "\(format.rawValue): read \(count) highlights (\(data.count / 1024) KiB)", records: count,
                        seconds: parsed))
                let store = try LocalStore(home: "\(work)/\(format.rawValue)-\(count)")
                var summary: LibraryImportSummary?
                let imported = try time {
                    summary = try store.importLibrary(try LibraryImporter.parse(data, format: format))
                }
                guard let summary, summary.notes == library.items.reduce(0, { $0 + $1.highlights.count }) else {
                    throw ValidationError("\(format.rawValue): \(summary?.line ?? "nothing imported")")
                }
                report.add(
                    Measurement(
                        name: "\(format.rawValue): import \(count) highlights into a new profile", records: count,
                        seconds: imported, note: String(format: "%.1f× the store's own writes", imported / applied)))
                perNote[format.rawValue, default: []].append(imported / Double(count))
                var again: LibraryImportSummary?
                let repeated = try time {
                    again = try store.importLibrary(try LibraryImporter.parse(data, format: format))
                }
                guard let again, again.notes == 0, again.duplicates >= summary.notes else {
                    throw ValidationError("\(format.rawValue) again: \(again?.line ?? "nothing imported")")
                }
                report.add(
                    Measurement(
                        name: "\(format.rawValue): import the same file again (all duplicates)", records: count,
                        seconds: repeated))
            }
        }
        if counts.count > 1, let first = counts.first, let last = counts.last {
            for (format, costs) in perNote.sorted(by: { $0.key < $1.key }) {
                let growth = costs[costs.count - 1] / costs[0]
                let limitGrowth = (limits[limits.count - 1] / Double(last)) / (limits[0] / Double(first))
                report.addTarget(
                    TargetCheck(
                        figure: "\(format): time per highlight, \(last) over \(first)",
                        measured: String(format: "%.2f×", growth), goal: "≤ 1.5× (linear)", met: growth <= 1.5,
                        limit: String(format: "the store's own writes: %.2f×", limitGrowth)))
            }
        }
        report.printTargets()
        try report.write(to: output, name: "import")
    }

    /// An export of `highlights` highlights over `books` books, every tenth with a note, made
    /// the same way on every run.
    static func export(_ format: LibraryFormat, highlights: Int, books: Int) -> String {
        let words = "the of and to in a is that for it as was with be by on not he this are or his from at which"
            .split(separator: " ")
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(bound))
        }
        var text =
            format == .readwise ? "Highlight,Book Title,Book Author,Note,Location Type,Location,Highlighted at\n" : ""
        for index in 0..<highlights {
            let book = index % books
            let location = 100 + index / books * 20
            let quote = (0..<(8 + next(30))).map { _ in String(words[next(words.count)]) }.joined(separator: " ")
            let note = index % 10 == 0 ? "a note on highlight \(index)" : ""
            switch format {
            case .readwise:
                text += "\"\(quote).\",Book \(book),Author \(book),\(note),location,\(location),2021-05-04 10:00:00\n"
            default:
                let head = "\u{FEFF}Book \(book) (Author \(book))\r\n"
                text += head + "- Your Highlight on page \(location / 15) | Location \(location)-\(location + 2) | "
                text += "Added on Sunday, March 3, 2019 10:15:32 PM\r\n\r\n\(quote).\r\n==========\r\n"
                if !note.isEmpty {
                    text += head + "- Your Note on page \(location / 15) | Location \(location + 2) | "
                    text += "Added on Sunday, March 3, 2019 10:16:32 PM\r\n\r\n\(note)\r\n==========\r\n"
                }
            }
        }
        return text
    }
}
