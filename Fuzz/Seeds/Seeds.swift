import Foundation

/// Writes the fuzz targets' seed corpora, built the way the tests build their inputs: notes with
/// anchors, tags and conflicts, deletes and edits that outlive them, articles, and the seed page.
@main
struct FuzzSeeds {
    static func main() throws {
        let arguments = CommandLine.arguments
        guard arguments.count == 3 else {
            FileHandle.standardError.write(Data("usage: fuzz-seeds SEED-DOCUMENT OUTPUT-DIRECTORY\n".utf8))
            exit(2)
        }
        let output = arguments[2]
        let records = try states()
        try write(output + "/decoder", records.enumerated().map { index, _ in envelope(records.prefix(index + 1)) })
        var pairs: [Data] = []
        for (index, state) in records.enumerated() {
            for other in records[index...] where other.kind == state.kind {
                pairs.append(WireFormat.encode(state) + Data([0]) + WireFormat.encode(other))
            }
        }
        try write(output + "/merge", pairs)
        let page = try Data(contentsOf: URL(fileURLWithPath: arguments[1]))
        try write(
            output + "/importer",
            [
                page, Data(page.prefix(4_000)),
                Data(
                    "<html><head><title>T</title><meta property=\"og:title\" content=\"A &amp; B\"></head><body><article><h1>A</h1><p>One, two &#x27;three&#39;.</p><p>Four</p></article><nav>x</nav></body></html>"
                        .utf8),
                Data("Plain text\n\nwith two paragraphs.\n".utf8),
            ])
    }

    static func states() throws -> [RecordState] {
        let laptop = ReplicaID("laptop")!
        let desktop = ReplicaID("desktop")!
        var laptopClock = HybridLogicalClock(replica: laptop)
        var desktopClock = HybridLogicalClock(replica: desktop)
        var note = RecordState(id: "n-1", kind: .note, articleID: "a-1")
        let anchor = Anchor(exact: "quiet \"trip\"", prefix: "A quick,\u{1f}\n ", suffix: " trip\t", start: 9, end: 14)
        try note.edit(
            [.set("body", .string("Note ✓ \\ \u{1}")), .set("anchor", .anchor(anchor)), .addTag("x")], by: laptop,
            at: laptopClock.tick())
        var other = note
        try note.edit([.set("color", .string("yellow")), .addTag("y")], by: laptop, at: laptopClock.tick())
        desktopClock.observe(other.latestStamp!)
        try other.edit([.set("body", .string("concurrent")), .removeTag("x")], by: desktop, at: desktopClock.tick())
        let conflicted = try RecordState.merge(note, other)
        var deleted = note
        deleted.delete(by: desktop, at: desktopClock.tick())
        let revived = try RecordState.merge(deleted, other)
        var article = RecordState(id: "a-1", kind: .article)
        try article.edit(
            [
                .set("title", .string("A Quick Trip")), .set("content", .string("A quick, quiet trip.\n\nTwo.")),
                .set("progress", .double(0.4)), .set("archived", .bool(true)), .set("addedAt", .int(1_700_000_000_000)),
                .addTag("europe"),
            ], by: laptop, at: laptopClock.tick())
        var bookmark = RecordState(id: "b-1", kind: .bookmark, articleID: "a-1")
        try bookmark.edit(
            [
                .set("label", .string("resume")),
                .set("anchor", .anchor(Anchor(exact: "", prefix: "", suffix: "", start: 3, end: 3))),
            ],
            by: desktop, at: desktopClock.tick())
        return [note, other, conflicted, deleted, revived, article, bookmark]
    }

    static func envelope(_ states: ArraySlice<RecordState>) -> Data {
        var body = Data("{\"changes\":[".utf8)
        for (index, state) in states.enumerated() {
            if index > 0 { body.append(UInt8(ascii: ",")) }
            body.append(WireFormat.encode(state))
        }
        body.append(contentsOf: "],\"since\":null,\"limit\":500}".utf8)
        return body
    }

    static func write(_ directory: String, _ inputs: [Data]) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (index, input) in inputs.enumerated() {
            try input.write(to: URL(fileURLWithPath: "\(directory)/seed-\(index)"))
        }
    }
}
