import ArgumentParser
import Foundation
import MarginClient
import MarginShared

/// `margin search QUERY`.
struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search", abstract: "Search article titles and text and note comments, best match first.")

    @OptionGroup var profile: Profile
    @OptionGroup var output: JSONOutput

    @Argument(help: "Words to find (all must match).")
    var query: [String]

    @Option(help: "At most this many results.")
    var limit = 20

    func run() throws {
        let store = try profile.open()
        // What a first sync pulled is indexed at the first search: a million notes take a minute.
        let bar = ProgressBar(enabled: !output.json && isatty(STDOUT_FILENO) == 1)
        try store.indexBacklog { bar.update(done: $0, of: $1, "records indexed for search") }
        bar.finish()
        let hits = try store.search(query.joined(separator: " "), limit: limit)
        if output.json {
            printJSON(
                hits.map {
                    ["id": $0.record.id, "kind": $0.record.kind.rawValue, "snippet": $0.snippet, "rank": $0.rank]
                })
            return
        }
        let short = try store.shortIDs(for: hits.map(\.record.id))
        if hits.isEmpty { print("No matches.") }
        for hit in hits {
            let title =
                hit.record.kind == .article
                ? hit.record.string("title") ?? "" : "note on “\(hit.record.anchor()?.exact.prefix(40) ?? "")”"
            print("\(short[hit.record.id])  \(title)")
            print("    \(hit.snippet.replacingOccurrences(of: "\n", with: " "))")
        }
    }
}
