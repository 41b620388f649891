import ArgumentParser
import Foundation
import MarginClient
import MarginShared

extension Exporter.Format: ExpressibleByArgument {}

/// `margin export --format markdown|json|w3c [ARTICLE]`.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export everything, or one article with its notes.",
        discussion: "json is the complete, lossless state; w3c is a Web Annotation collection; markdown is for reading."
    )

    @OptionGroup var profile: Profile

    @Option(help: "markdown, json or w3c.")
    var format: Exporter.Format = .markdown

    @Option(name: .shortAndLong, help: "Write to this file instead of standard output.")
    var output: String?

    @Argument(help: "Only this article (an id or a unique prefix) and its notes and bookmarks.")
    var article: String?

    func run() throws {
        let store = try profile.open()
        let articleID = try article.map { try store.resolveID($0, kind: .article) }
        let records = StoreExportSource(store: store, article: articleID)
        guard let output else {
            try write(records, to: FileHandle.standardOutput, named: "standard output")
            return
        }
        // Written beside the file, then moved over it: a failed export leaves the old one whole.
        let partial = output + ".partial-\(ProcessInfo.processInfo.processIdentifier)"
        guard FileManager.default.createFile(atPath: partial, contents: nil),
            let handle = FileHandle(forWritingAtPath: partial)
        else { throw CommandFailure(ExitCodes.cannotCreate, "cannot write \(output): cannot create the file") }
        do {
            try write(records, to: handle, named: output)
            try handle.close()
            guard rename(partial, output) == 0 else {
                throw CommandFailure(
                    ExitCodes.cannotCreate, "cannot write \(output): \(String(cString: strerror(errno)))")
            }
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(atPath: partial)
            if let failure = error as? CommandFailure { throw failure }
            if let failure = error as? StoreError { throw failure }
            throw CommandFailure(ExitCodes.cannotCreate, "cannot write \(output): \(error.localizedDescription)")
        }
    }

    /// Writes the export to `handle` as it is made.
    private func write(_ records: StoreExportSource, to handle: FileHandle, named name: String) throws {
        var failure: (any Error)?
        do {
            try Exporter.write(format, from: records) { (text) throws(StoreError) in
                do {
                    try handle.write(contentsOf: text)
                } catch {
                    failure = error
                    throw StoreError(.io, "cannot write \(name)")
                }
            }
        } catch {
            guard let failure else { throw error }
            throw CommandFailure(ExitCodes.cannotCreate, "cannot write \(name): \(failure.localizedDescription)")
        }
    }
}
