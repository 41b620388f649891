import ArgumentParser
import Foundation
import MarginClient
import MarginShared

/// The options every command shares: which profile to use.
struct Profile: ParsableArguments {
    @Option(name: .long, help: "The profile folder (default: $MARGIN_HOME, else $XDG_DATA_HOME/margin).")
    var home: String?

    /// The profile folder.
    var directory: String { home ?? LocalStore.defaultHome() }

    /// Opens the profile's store.
    func open() throws -> LocalStore {
        try LocalStore(home: directory)
    }
}

/// The `--json` flag of listing commands.
struct JSONOutput: ParsableArguments {
    @Flag(name: .long, help: "Print JSON instead of text.")
    var json = false
}

/// Prints a JSON value (dictionaries and arrays of plain values) with sorted keys.
func printJSON(_ value: Any) {
    let data =
        (try? JSONSerialization.data(
            withJSONObject: value, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data()
    print(String(decoding: data, as: UTF8.self))
}

/// Reads a file, or standard input for "-".
func readInput(_ path: String) throws -> Data {
    if path == "-" { return FileHandle.standardInput.readDataToEndOfFile() }
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw CommandFailure(ExitCodes.noInput, "no such file: \(path)")
    }
    guard !isDirectory.boolValue, let data = FileManager.default.contents(atPath: path) else {
        throw CommandFailure(ExitCodes.noInput, "cannot read \(path)")
    }
    return data
}

/// Shortest unique prefixes (at least 8 characters) of the ids a command shows, for display.
struct ShortIDs {
    private var lengths: [String: Int] = [:]

    /// Each id as long as it must be to differ from its neighbours in id order.
    init(_ neighbours: [String: [String]]) {
        for (id, beside) in neighbours {
            // Note and bookmark ids start with their creation time, so their first 13 characters are
            // the least that tells two apart.
            var length = id.hasPrefix("a-") ? 8 : 13
            for neighbour in beside {
                length = max(length, zip(id, neighbour).prefix { $0 == $1 }.count + 1)
            }
            lengths[id] = min(length, id.count)
        }
    }

    /// The display form of `id` (whole, for an id it was not made for).
    subscript(_ id: String) -> String {
        String(id.prefix(lengths[id] ?? id.count))
    }
}

extension LocalStore {
    /// Short ids for `ids`, against every record in the store.
    func shortIDs(for ids: some Sequence<String>) throws -> ShortIDs {
        ShortIDs(try neighbouringIDs(ids))
    }
}

/// Formats milliseconds since 1970 as a calendar day.
func day(_ millis: Int64?) -> String {
    guard let millis else { return "-" }
    return CalendarDay(milliseconds: millis).iso8601
}

/// A record as plain JSON values for `--json` output.
func summary(_ record: RecordState, orphaned: Bool = false) -> [String: Any] {
    var result: [String: Any] = ["id": record.id, "kind": record.kind.rawValue, "tags": record.tagNames]
    for (name, _) in record.kind.fields {
        guard name != "content", let value = record.value(name) else { continue }
        switch value {
        case .string(let text): result[name] = text
        case .int(let number): result[name] = number
        case .double(let number): result[name] = number
        case .bool(let flag): result[name] = flag
        case .anchor(let anchor):
            result[name] = [
                "exact": anchor.exact, "prefix": anchor.prefix, "suffix": anchor.suffix, "start": anchor.start,
                "end": anchor.end,
            ]
        }
    }
    if let articleID = record.articleID { result["articleID"] = articleID }
    if record.kind != .article { result["orphaned"] = orphaned }
    result["conflicts"] = record.conflicts.map(\.field)
    return result
}
