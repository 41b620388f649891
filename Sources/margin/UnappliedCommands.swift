import ArgumentParser
import Foundation
import MarginClient

/// `margin unapplied`: pulled versions that could not merge here, kept aside whole.
struct UnappliedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unapplied",
        abstract: "List, show or dismiss pulled versions that could not merge here (kept aside whole).",
        subcommands: [List.self, Show.self, Dismiss.self], defaultSubcommand: List.self)

    /// `margin unapplied list`.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the versions kept aside, newest first.")

        @OptionGroup var profile: Profile
        @OptionGroup var output: JSONOutput

        func run() throws {
            let records = try profile.open().unappliedRecords()
            if output.json {
                printJSON(records.map { ["id": $0.id, "kind": $0.kind?.rawValue ?? "", "reason": $0.reason] })
                return
            }
            if records.isEmpty { print("Nothing kept aside.") }
            for record in records { print("\(record.kind?.rawValue ?? "record") \(record.id): \(record.reason)") }
        }
    }

    /// `margin unapplied show ID`.
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a version kept aside as the server sent it (JSON).")

        @OptionGroup var profile: Profile

        @Argument(help: "The record's id or a unique prefix of it, among the versions kept aside.")
        var id: String

        func run() throws {
            let store = try profile.open()
            let id = try UnappliedCommand.match(id, in: store)
            guard let bytes = try store.unappliedState(id: id) else {
                throw CommandFailure(ExitCodes.dataError, "nothing kept aside for \(id)")
            }
            print(String(decoding: bytes, as: UTF8.self))
        }
    }

    /// `margin unapplied dismiss (ID | --all)`.
    struct Dismiss: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Drop versions kept aside once you have seen them (margin unapplied show).")

        @OptionGroup var profile: Profile

        @Argument(help: "The record's id or a unique prefix of it, among the versions kept aside.")
        var id: String?

        @Flag(help: "Drop every version kept aside.")
        var all = false

        func validate() throws {
            guard (id == nil) == all else { throw ValidationError("give exactly one of an id and --all") }
        }

        func run() throws {
            let store = try profile.open()
            let dropped = try store.dismissUnapplied(id: try id.map { try UnappliedCommand.match($0, in: store) })
            print("dismissed \(dropped) version(s) kept aside")
        }
    }

    /// The one id kept aside that is `prefix` or starts with it.
    static func match(_ prefix: String, in store: LocalStore) throws -> String {
        let ids = try store.unappliedRecords().map(\.id)
        if ids.contains(prefix) { return prefix }
        let matches = ids.filter { $0.hasPrefix(prefix) }
        guard matches.count == 1 else {
            throw CommandFailure(
                ExitCodes.dataError,
                matches.isEmpty
                    ? "nothing kept aside for \(prefix) (margin unapplied lists them)"
                    : "\(prefix) matches \(matches.count) versions kept aside; give more of the id")
        }
        return matches[0]
    }
}
