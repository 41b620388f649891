import Foundation
import MarginTestSupport
import Testing

@testable import MarginShared

/// Randomized histories of 2–5 replicas editing, deleting, tagging and exchanging states in any
/// order, checked against the merge laws and against an oracle of which writes were overwritten.
@Suite struct MergePropertyTests {
    /// One write as the oracle sees it.
    struct Write {
        let record: String
        let key: String
        let dot: Dot
        let seen: VersionVector?
    }

    /// One randomly generated history.
    struct History {
        var rng: SplitMix64
        let replicas: [ReplicaID]
        var clocks: [HybridLogicalClock]
        var walls: [Int64]
        var states: [[String: RecordState]]
        var archive: [String: [RecordState]] = [:]
        var writes: [Write] = []
        var overwritten = Set<String>()
        static let templates: [RecordState] = [
            RecordState(id: "a-1", kind: .article),
            RecordState(id: "n-1", kind: .note, articleID: "a-1"),
        ]

        init(seed: UInt64) {
            rng = SplitMix64(seed: seed)
            let count = Int.random(in: 2...5, using: &rng)
            replicas = (0..<count).map { ReplicaID("r\($0)")! }
            clocks = replicas.map { HybridLogicalClock(replica: $0) }
            walls = replicas.map { _ in 1_000 }
            states = replicas.map { _ in Dictionary(uniqueKeysWithValues: Self.templates.map { ($0.id, $0) }) }
        }

        static func writeKey(_ write: Write) -> String { "\(write.record)|\(write.key)|\(write.dot)" }

        /// Marks as overwritten every write to `key` that `context` has seen.
        mutating func overwrite(record: String, key: String, seenBy context: VersionVector) {
            for write in writes where write.record == record && write.key == key && context.contains(write.dot) {
                overwritten.insert(Self.writeKey(write))
            }
        }

        mutating func stamp(_ replica: Int, for record: RecordState) -> Timestamp {
            // The wall clock mostly moves on, sometimes stalls and sometimes jumps back.
            walls[replica] += Int64.random(in: -3...5, using: &rng)
            if let latest = record.latestStamp { clocks[replica].observe(latest) }
            return clocks[replica].tick(wallMillis: walls[replica])
        }

        mutating func randomChanges(for kind: RecordKind) -> [Change] {
            let values = ["alpha", "beta", "gamma"]
            var changes: [Change] = []
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                switch (kind, Int.random(in: 0..<6, using: &rng)) {
                case (.article, 0): changes.append(.set("title", .string(values.randomElement(using: &rng)!)))
                case (.article, 1): changes.append(.set("archived", .bool(Bool.random(using: &rng))))
                case (.article, 2):
                    changes.append(.set("progress", .double(Double(Int.random(in: 0...10, using: &rng)) / 10)))
                case (.article, 3): changes.append(.set("addedAt", .int(Int64.random(in: 1...50, using: &rng))))
                case (.note, 0), (.note, 1): changes.append(.set("body", .string(values.randomElement(using: &rng)!)))
                case (.note, 2): changes.append(.set("color", .string(["yellow", "blue"].randomElement(using: &rng)!)))
                case (.note, 3): changes.append(.set("createdAt", .int(Int64.random(in: 1...50, using: &rng))))
                case (_, 4): changes.append(.addTag(["t1", "t2", "t3"].randomElement(using: &rng)!))
                default: changes.append(.removeTag(["t1", "t2", "t3"].randomElement(using: &rng)!))
                }
            }
            // One edit writes a field or a tag at most once.
            var seen = Set<String>()
            return changes.filter { change in
                switch change {
                case .set(let name, _): seen.insert("f:" + name).inserted
                case .addTag(let tag), .removeTag(let tag): seen.insert("t:" + tag).inserted
                }
            }
        }

        mutating func edit(_ replica: Int, _ recordID: String, _ changes: [Change]) throws {
            var record = states[replica][recordID]!
            let before = record.context
            let stamp = stamp(replica, for: record)
            try record.edit(changes, by: replicas[replica], at: stamp)
            let dot = Dot(replicas[replica], record.context[replicas[replica]])
            for change in changes {
                switch change {
                case .set(let name, _):
                    overwrite(record: recordID, key: "f:" + name, seenBy: before)
                    writes.append(Write(record: recordID, key: "f:" + name, dot: dot, seen: nil))
                case .addTag(let tag):
                    overwrite(record: recordID, key: "t:" + tag, seenBy: before)
                    writes.append(Write(record: recordID, key: "t:" + tag, dot: dot, seen: nil))
                case .removeTag(let tag):
                    overwrite(record: recordID, key: "t:" + tag, seenBy: before)
                }
            }
            overwrite(record: recordID, key: "deleted", seenBy: before)
            store(record, at: replica)
        }

        mutating func delete(_ replica: Int, _ recordID: String) {
            var record = states[replica][recordID]!
            let before = record.context
            record.delete(by: replicas[replica], at: stamp(replica, for: record))
            overwrite(record: recordID, key: "deleted", seenBy: before)
            let dot = Dot(replicas[replica], record.context[replicas[replica]])
            writes.append(Write(record: recordID, key: "deleted", dot: dot, seen: record.context))
            store(record, at: replica)
        }

        mutating func deliver(_ state: RecordState, to replica: Int) throws {
            store(try RecordState.merge(states[replica][state.id]!, state), at: replica)
        }

        mutating func store(_ record: RecordState, at replica: Int) {
            states[replica][record.id] = record
            archive[record.id, default: []].append(record)
        }

        mutating func step() throws {
            let replica = Int.random(in: 0..<replicas.count, using: &rng)
            let recordID = Self.templates.randomElement(using: &rng)!.id
            let record = states[replica][recordID]!
            switch Int.random(in: 0..<100, using: &rng) {
            case 0..<35:
                try edit(replica, recordID, randomChanges(for: record.kind))
            case 35..<42:
                delete(replica, recordID)
            case 42..<48:
                // Resolve a conflict: a write that has seen every sibling.
                if let conflict = record.conflicts.first {
                    let pick = conflict.siblings.randomElement(using: &rng)!.value
                    try edit(replica, recordID, [.set(conflict.field, pick)])
                }
            case 48..<88:
                let receiver = Int.random(in: 0..<replicas.count, using: &rng)
                try deliver(record, to: receiver)
            default:
                // A stale re-delivery of some state held earlier by anyone.
                let old = archive[recordID]?.randomElement(using: &rng) ?? record
                let receiver = Int.random(in: 0..<replicas.count, using: &rng)
                try deliver(old, to: receiver)
            }
        }

        /// Every replica ends up with every write, through a random gossip order.
        mutating func exchangeEverything() throws {
            for recordID in Self.templates.map(\.id) {
                var order = Array(replicas.indices)
                order.shuffle(using: &rng)
                for (from, to) in zip(order, order.dropFirst()) {
                    try deliver(states[from][recordID]!, to: to)
                }
                let full = states[order.last!][recordID]!
                for replica in order.shuffled(using: &rng) { try deliver(full, to: replica) }
            }
        }

        /// The oracle's live dots for each key of a record.
        func liveDots(_ recordID: String) -> [String: Set<Dot>] {
            var result: [String: Set<Dot>] = [:]
            for write in writes where write.record == recordID && !overwritten.contains(Self.writeKey(write)) {
                result[write.key, default: []].insert(write.dot)
            }
            return result
        }

        func oracleDeleted(_ recordID: String) -> Bool {
            let live = writes.filter { $0.record == recordID && !overwritten.contains(Self.writeKey($0)) }
            let deletes = live.filter { $0.key == "deleted" }
            guard !deletes.isEmpty else { return false }
            let seen = deletes.reduce(VersionVector()) { $0.merged(with: $1.seen!) }
            return live.filter { $0.key != "deleted" }.allSatisfy { seen.contains($0.dot) }
        }
    }

    static func stateDots(_ record: RecordState) -> [String: Set<Dot>] {
        var result: [String: Set<Dot>] = [:]
        for (name, writes) in record.fields { result["f:" + name] = Set(writes.map(\.dot)) }
        for (tag, adds) in record.tags { result["t:" + tag] = Set(adds.map(\.dot)) }
        if !record.tombstones.isEmpty { result["deleted"] = Set(record.tombstones.map(\.dot)) }
        return result
    }

    @Test func randomHistoriesConvergeAndKeepEveryLiveWrite() throws {
        let base = testSeed()
        let count = environmentInt("MARGIN_HISTORIES", default: 3_000)
        print("merge property test: base seed \(base), \(count) histories (replay: MARGIN_SEED=\(base))")
        var lawChecks = 0
        for index in 0..<count {
            let seed = base &+ UInt64(index)
            let replay = "history seed \(seed) (replay: MARGIN_SEED=\(seed) MARGIN_HISTORIES=1)"
            var history = History(seed: seed)
            for _ in 0..<Int.random(in: 10...60, using: &history.rng) { try history.step() }

            // Laws over states that really occurred in this history.
            for recordID in History.templates.map(\.id) {
                let seen = history.archive[recordID] ?? []
                guard !seen.isEmpty else { continue }
                for _ in 0..<8 {
                    let a = seen.randomElement(using: &history.rng)!
                    let b = seen.randomElement(using: &history.rng)!
                    let c = seen.randomElement(using: &history.rng)!
                    let ab = try RecordState.merge(a, b)
                    #expect(ab == (try RecordState.merge(b, a)), "commutative; \(replay)")
                    #expect(
                        try RecordState.merge(ab, c) == (try RecordState.merge(a, try RecordState.merge(b, c))),
                        "associative; \(replay)")
                    #expect(try RecordState.merge(a, a) == a, "idempotent; \(replay)")
                    if a.context.dominates(b.context) {
                        #expect(ab == a, "a dominating state absorbs the other unchanged; \(replay)")
                    }
                    lawChecks += 1
                }
            }

            try history.exchangeEverything()
            for recordID in History.templates.map(\.id) {
                let finals = history.states.map { $0[recordID]! }
                let bytes = Set(finals.map(WireFormat.encode))
                #expect(bytes.count == 1, "replicas converge byte for byte; \(replay)")
                let final = finals[0]
                #expect(
                    Self.stateDots(final) == history.liveDots(recordID),
                    "live writes kept, overwritten ones gone; \(replay)")
                #expect(final.isDeleted == history.oracleDeleted(recordID), "delete versus concurrent edit; \(replay)")
                for conflict in final.conflicts {
                    #expect(conflict.siblings.count > 1, "a conflict has siblings; \(replay)")
                }
                let decoded = try WireFormat.decode(WireFormat.encode(final))
                #expect(decoded == final, "wire round trip; \(replay)")
            }
            if Test.current != nil, index % 1000 == 999 { print("  \(index + 1) histories") }
        }
        print("merge property test: \(count) histories, \(lawChecks) law checks")
    }

    @Test func anyGroupingOfExchangesGivesTheSameState() throws {
        let base = testSeed()
        let count = environmentInt("MARGIN_HISTORIES", default: 3_000) / 3
        print("grouping property test: base seed \(base) (replay: MARGIN_SEED=\(base))")
        for index in 0..<count {
            let seed = base &+ UInt64(index)
            var history = History(seed: seed)
            for _ in 0..<Int.random(in: 10...40, using: &history.rng) { try history.step() }
            for recordID in History.templates.map(\.id) {
                let states = history.states.map { $0[recordID]! }
                // Fold left to right, right to left, and as a random tree: all the same.
                let left = try states.dropFirst().reduce(states[0]) { try RecordState.merge($0, $1) }
                let right = try states.dropLast().reversed().reduce(states.last!) { try RecordState.merge($1, $0) }
                var pool = states.shuffled(using: &history.rng)
                while pool.count > 1 {
                    let i = Int.random(in: 0..<pool.count, using: &history.rng)
                    let x = pool.remove(at: i)
                    let j = Int.random(in: 0..<pool.count, using: &history.rng)
                    pool[j] = try RecordState.merge(x, pool[j])
                }
                #expect(
                    left == right && right == pool[0],
                    "history seed \(seed) (replay: MARGIN_SEED=\(seed) MARGIN_HISTORIES=3)")
            }
        }
    }
}
