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
        try report.write(to: output, name: "decode")
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
