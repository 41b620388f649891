import ArgumentParser
import Foundation
import MarginClient
import MarginShared

/// `margin status`.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show this machine's replica id, record counts, pending changes and conflicts."
    )

    @OptionGroup var profile: Profile
    @OptionGroup var output: JSONOutput

    func run() throws {
        let store = try profile.open()
        let status = try store.status()
        if output.json {
            var result: [String: Any] = [
                "replica": status.replicaID.rawValue, "store": store.path,
                "articles": status.counts[.article] ?? 0, "notes": status.counts[.note] ?? 0,
                "bookmarks": status.counts[.bookmark] ?? 0, "deleted": status.deleted, "pending": status.pending,
                "conflicts": status.conflicts, "orphaned": status.orphaned, "searchBacklog": status.searchBacklog,
            ]
            func list(_ records: [RefusedRecord]) -> [[String: String]] {
                records.map { ["id": $0.id, "kind": $0.kind?.rawValue ?? "", "reason": $0.reason] }
            }
            result["held"] = list(status.held)
            result["unapplied"] = list(status.unapplied)
            result["server"] = status.server
            result["user"] = status.user
            result["lastSync"] = status.lastSync
            result["lastError"] = status.lastError
            printJSON(result)
            return
        }
        print("replica    \(status.replicaID)")
        print("store      \(store.path)")
        print(
            "records    \(status.counts[.article] ?? 0) articles, \(status.counts[.note] ?? 0) notes, \(status.counts[.bookmark] ?? 0) bookmarks (\(status.deleted) deleted)"
        )
        print("pending    \(status.pending) change(s) not yet synced")
        if !status.held.isEmpty {
            print(
                "held       \(status.held.count) change(s) the server refused, kept here unsent (edit them, or margin sync --retry-held)"
            )
            for held in status.held {
                print("           \(held.kind?.rawValue ?? "record") \(held.id): \(held.reason)")
            }
        }
        if !status.unapplied.isEmpty {
            print(
                "unapplied  \(status.unapplied.count) pulled version(s) that cannot merge here, kept aside whole (margin unapplied)"
            )
            for record in status.unapplied {
                print("           \(record.kind?.rawValue ?? "record") \(record.id): \(record.reason)")
            }
        }
        print("conflicts  \(status.conflicts)" + (status.conflicts > 0 ? " (margin conflicts)" : ""))
        if status.orphaned > 0 {
            print("orphaned   \(status.orphaned) note(s) whose quote left the text (margin notes --orphaned)")
        }
        if status.searchBacklog > 0 {
            print("search     \(status.searchBacklog) record(s) to index; the next search does it")
        }
        print("server     \(status.server.map { "\($0) as \(status.user ?? "?")" } ?? "not logged in")")
        if let lastSync = status.lastSync {
            let time = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(lastSync) / 1000))
            print("last sync  \(time)")
        }
        if let lastError = status.lastError { print("last error \(lastError)") }
    }
}
