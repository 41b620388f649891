import ArgumentParser
import MarginClient
import MarginShared

/// `margin conflicts`.
struct ConflictsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conflicts", abstract: "List fields edited on two machines at once, with every version kept.")

    @OptionGroup var profile: Profile
    @OptionGroup var output: JSONOutput

    func run() throws {
        let store = try profile.open()
        let records = try store.conflictedRecords()
        let names = try store.deviceNames()
        /// Who wrote a version: this machine, another machine by its name, else its replica id.
        func machine(_ replica: ReplicaID) -> String {
            replica == store.replicaID ? "this machine" : names[replica] ?? "replica \(replica)"
        }
        if output.json {
            printJSON(
                records.flatMap { record in
                    record.conflicts.map { conflict in
                        [
                            "id": record.id, "field": conflict.field, "folded": conflict.folded,
                            "siblings": conflict.siblings.map { sibling in
                                [
                                    "value": sibling.value.description,
                                    "replicas": sibling.dots.map(\.replica.rawValue),
                                    "machines": sibling.dots.map { machine($0.replica) },
                                    "at": sibling.stamp.wallMillis,
                                ] as [String: Any]
                            },
                        ] as [String: Any]
                    }
                })
            return
        }
        let short = try store.shortIDs(for: records.map(\.id))
        if records.isEmpty { print("No conflicts.") }
        for record in records {
            for conflict in record.conflicts {
                print(
                    "\(short[record.id]) \(record.kind.rawValue) \(conflict.field): \(conflict.siblings.count) versions"
                )
                for (index, sibling) in conflict.siblings.enumerated() {
                    let origin = sibling.dots.map { machine($0.replica) }.joined(separator: ", ")
                    let mark = index == 0 ? " (shown)" : ""
                    print("  [\(index + 1)] \(sibling.value.description.replacingOccurrences(of: "\n", with: " "))")
                    print("      from \(origin) at \(day(sibling.stamp.wallMillis))\(mark)")
                }
                if conflict.folded > 0 { print("  (+\(conflict.folded) older versions folded into the shown one)") }
                print("  resolve: margin resolve \(short[record.id]) \(conflict.field) --pick N   (or --value TEXT)")
            }
        }
    }
}

/// `margin resolve ID FIELD (--pick N | --value V)`.
struct ResolveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resolve", abstract: "Settle a conflict by picking one version or writing a new value.")

    @OptionGroup var profile: Profile

    @Argument(help: "The record's id or a unique prefix of it.")
    var id: String

    @Argument(help: "The conflicting field (as `margin conflicts` names it).")
    var field: String

    @Option(help: "The version to keep, numbered as `margin conflicts` shows them.")
    var pick: Int?

    @Option(help: "A new text value that replaces every version.")
    var value: String?

    func validate() throws {
        guard (pick == nil) != (value == nil) else { throw ValidationError("give exactly one of --pick and --value") }
    }

    func run() throws {
        let store = try profile.open()
        let full = try store.resolveID(id)
        let record = try store.record(full)
        guard let conflict = record.conflicts.first(where: { $0.field == field }) else {
            throw CommandFailure(ExitCodes.dataError, "\(id) has no conflict on '\(field)'")
        }
        let chosen: FieldValue
        if let pick {
            guard (1...conflict.siblings.count).contains(pick) else {
                throw ValidationError("--pick takes 1 to \(conflict.siblings.count)")
            }
            chosen = conflict.siblings[pick - 1].value
        } else {
            guard case .string = conflict.siblings[0].value else {
                throw ValidationError("'\(field)' is not text; use --pick")
            }
            chosen = .string(value!)
        }
        try store.resolve(full, field: field, value: chosen)
        print("resolved \(field): \(chosen.description.prefix(60))")
    }
}
