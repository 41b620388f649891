import ArgumentParser
import Foundation
import MarginShared

/// Decoding of sync bodies alone: the CPU that both a push (server) and a pull (client) spend on
/// each record before storing it.
struct DecodeBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode", abstract: "Decoding and validating sync bodies of notes, one core.")

    @Option(help: "Notes decoded per repetition, in bodies of 1,000.")
    var count = 20_000

    @Option(help: "Repetitions; the table gives the fastest and the median.")
    var repeats = 7

    @Option(help: "Where to write the JSON result.")
    var output = "bench/results"

    func run() throws {
        var report = Report(title: "Decode")
        print("Decode benchmark (one thread; release build recommended)")
        print(
            "  " + "what".padding(toLength: 52, withPad: " ", startingAt: 0) + "   records         time          rate")
        let bodies = Self.bodies(count: count)
        let bytes = bodies.reduce(0) { $0 + $1.count }
        var times: [Double] = []
        for _ in 0..<repeats {
            times.append(
                try time {
                    for body in bodies { _ = try ChangeEnvelope.decode(body) }
                })
        }
        times.sort()
        let note = String(
            format: "median %.2f µs/record, %.0f bytes/record", times[times.count / 2] * 1e6 / Double(count),
            Double(bytes) / Double(count))
        report.add(
            Measurement(
                name: "decode \(count) notes in bodies of 1,000 (fastest)", records: count, seconds: times[0],
                note: note))
        worstBodies(into: &report)
        try report.write(to: output, name: "decode")
    }

    /// The costliest bodies of up to 16 MiB that can be built against the decoder, each decoded (or
    /// refused) once: time, rate in MiB/s, and the peak memory it took beyond its body.
    func worstBodies(into report: inout Report) {
        let limit = 16 * 1024 * 1024
        for (name, body) in Self.worstBodies(limit: limit) {
            let base = resetPeakRSS()
            var outcome = "decoded"
            let seconds = time {
                do {
                    _ = try ChangeEnvelope.decode(body, maxRecords: 1_000)
                } catch {
                    outcome = "refused"
                }
            }
            let extra = max(0, peakRSS() - base)
            let note = String(
                format: "%@, %.1f MiB at %.0f MiB/s, peak +%.1f MiB (%.1fx the body)", outcome,
                Double(body.count) / 1_048_576, Double(body.count) / 1_048_576 / seconds, Double(extra) / 1_048_576,
                Double(extra) / Double(body.count))
            report.add(Measurement(name: name, records: 1, seconds: seconds, note: note))
        }
    }

    /// Bodies built to cost the most per byte: the most writes and replicas a record may hold, ids
    /// that all differ, escapes everywhere, and arrays where plain values belong.
    static func worstBodies(limit: Int) -> [(String, Data)] {
        var bodies: [(String, Data)] = []
        // Records at the write bound: 1,024 replicas, each with one write per field and 64 tags.
        let ceiling = RecordLimits.default.vectorEntriesCeiling
        let replicas = (0..<ceiling).map { String(format: "replica-%05d-%@", $0, String(repeating: "x", count: 40)) }
        func write(_ replica: String, value: String?) -> String {
            "{\"l\":4294967295,\"n\":1,\"r\":\"\(replica)\",\"t\":1700000000000" + (value.map { ",\"v\":\($0)" } ?? "")
                + "}"
        }
        var text = "{\"fields\":{"
        text += ["addedAt", "archived", "favorite", "progress"].map { field in
            let value = field == "archived" || field == "favorite" ? "true" : "1"
            return "\"\(field)\":[" + replicas.map { write($0, value: value) }.joined(separator: ",") + "]"
        }.joined(separator: ",")
        text += "},\"id\":\"a-ID\",\"kind\":\"article\",\"tags\":{"
        text += (0..<64).map { tag in
            "\"t\(tag)\":[" + replicas.prefix(16).map { write($0, value: nil) }.joined(separator: ",") + "]"
        }.joined(separator: ",")
        text += "},\"v\":1,\"vv\":{" + replicas.map { "\"\($0)\":1" }.joined(separator: ",") + "}}"
        let records = (0..<(limit - 64) / (text.utf8.count + 8)).map {
            text.replacingOccurrences(of: "a-ID", with: "a-\($0)")
        }
        bodies.append(("worst: records of 1,024 replicas at the write bound", envelope(records)))
        // Every string escaped: the decoder's slow path for each byte.
        let escaped = String(repeating: "\\u00e9", count: 10_000)
        var notes: [String] = []
        var size = 20
        var index = 0
        while size < limit - 100_000 {
            let note =
                "{\"articleID\":\"a-1\",\"fields\":{\"body\":[\(write("r", value: "\"\(escaped)\""))]},"
                + "\"id\":\"n-\(index)\",\"kind\":\"note\",\"v\":1,\"vv\":{\"r\":1}}"
            notes.append(note)
            size += note.utf8.count + 1
            index += 1
        }
        bodies.append(("worst: notes of escaped text only", envelope(notes)))
        // 16 MiB of numbers where a cursor belongs (it cost 16x its size as a tree before its 400).
        var since = Data("{\"since\":[".utf8)
        since.append(contentsOf: Array(repeating: Array("0,".utf8), count: (limit - 20) / 2).joined())
        since.append(contentsOf: Array("0]}".utf8))
        bodies.append(("worst: 16 MiB array beside changes", since))
        // One list of writes past the replica ceiling (quadratic before the hashed lookup).
        var wide =
            "{\"changes\":[{\"articleID\":\"a-1\",\"fields\":{},\"id\":\"n-1\",\"kind\":\"note\",\"tags\":{\"t\":["
        wide += (0..<16_000).map { write("r\($0)", value: nil) }.joined(separator: ",")
        wide += "]},\"v\":1,\"vv\":{}}]}"
        bodies.append(("worst: 16,000 writes of distinct replicas in one list", Data(wide.utf8)))
        return bodies
    }

    static func envelope(_ records: [String]) -> Data {
        Data(("{\"changes\":[" + records.joined(separator: ",") + "],\"since\":null}").utf8)
    }

    /// Bodies of 1,000 notes as a first sync receives them: uuid ids, two replicas, an anchor, a
    /// ~300-byte comment, a tag.
    static func bodies(count: Int) -> [Data] {
        let writer = ReplicaID.random()
        let editor = ReplicaID.random()
        var clock = HybridLogicalClock(replica: writer)
        var later = HybridLogicalClock(replica: editor)
        let article = "a-" + String(repeating: "5e", count: 32)
        let quote = String(repeating: "quoted text ", count: 25)
        let body = String(repeating: "a comment on it ", count: 19)
        let notes = (0..<count).map { index in
            let millis = 1_700_000_000_000 + Int64(index)
            var state = RecordState(id: RecordID.uuidv7(millis: millis), kind: .note, articleID: article)
            let anchor = Anchor(exact: quote, prefix: "before ", suffix: " after", start: index, end: index + 300)
            try! state.edit(
                [
                    .set("anchor", .anchor(anchor)), .set("color", .string("yellow")),
                    .set("createdAt", .int(millis)), .addTag("bench"),
                ],
                by: writer, at: clock.tick(wallMillis: millis))
            try! state.edit(
                [.set("body", .string(body + String(index)))], by: editor, at: later.tick(wallMillis: millis))
            return WireFormat.encode(state)
        }
        return stride(from: 0, to: count, by: 1_000).map { start in
            var body = Data("{\"changes\":[".utf8)
            for (offset, note) in notes[start..<min(start + 1_000, count)].enumerated() {
                if offset > 0 { body.append(UInt8(ascii: ",")) }
                body.append(note)
            }
            body.append(contentsOf: "],\"cursor\":\"x.1\",\"more\":false}".utf8)
            return body
        }
    }
}
