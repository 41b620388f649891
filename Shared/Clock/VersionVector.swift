/// How two version vectors relate causally.
public enum CausalOrder: Sendable, Equatable {
    case equal
    /// The left side has seen strictly less than the right.
    case before
    /// The left side has seen strictly more than the right.
    case after
    /// Each side has seen something the other has not.
    case concurrent
}

/// A map from replica to the highest counter seen from it: the causal context of a record.
public struct VersionVector: Hashable, Sendable, CustomStringConvertible {
    /// Counters by replica; replicas not present count as 0.
    public private(set) var counters: [ReplicaID: UInt64]

    /// An empty vector, or one with the given counters (zeros are dropped).
    public init(_ counters: [ReplicaID: UInt64] = [:]) {
        // Filtering makes a new dictionary, hashing every key again: only when there is a zero.
        self.counters = counters.values.contains(0) ? counters.filter { $0.value > 0 } : counters
    }

    /// The counter seen from `replica` (0 when none).
    public subscript(_ replica: ReplicaID) -> UInt64 {
        counters[replica] ?? 0
    }

    /// Whether this vector has seen `dot`.
    public func contains(_ dot: Dot) -> Bool {
        self[dot.replica] >= dot.counter
    }

    /// Bumps `replica`'s counter and returns the new dot.
    @discardableResult
    public mutating func increment(_ replica: ReplicaID) -> Dot {
        let next = self[replica] + 1
        counters[replica] = next
        return Dot(replica, next)
    }

    /// Records that `dot` has been seen.
    public mutating func add(_ dot: Dot) {
        if dot.counter > self[dot.replica] { counters[dot.replica] = dot.counter }
    }

    /// The pointwise maximum of two vectors.
    public func merged(with other: VersionVector) -> VersionVector {
        var result = self
        result.counters.merge(other.counters, uniquingKeysWith: max)
        return result
    }

    /// Compares two vectors: equal, before, after or concurrent.
    public func compare(_ other: VersionVector) -> CausalOrder {
        var less = false
        var greater = false
        for replica in Set(counters.keys).union(other.counters.keys) {
            let mine = self[replica]
            let theirs = other[replica]
            if mine < theirs { less = true }
            if mine > theirs { greater = true }
            if less && greater { return .concurrent }
        }
        switch (less, greater) {
        case (false, false): return .equal
        case (true, false): return .before
        case (false, true): return .after
        case (true, true): return .concurrent
        }
    }

    /// Whether this vector has seen everything `other` has.
    public func dominates(_ other: VersionVector) -> Bool {
        other.counters.allSatisfy { self[$0.key] >= $0.value }
    }

    /// Entries sorted by replica, for stable output.
    public var sortedEntries: [(replica: ReplicaID, counter: UInt64)] {
        counters.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// A short human-readable form.
    public var description: String {
        "{" + sortedEntries.map { "\($0.replica):\($0.counter)" }.joined(separator: ", ") + "}"
    }
}

extension VersionVector: Comparable {
    /// An arbitrary but stable total order, used only to break ties deterministically.
    public static func < (lhs: VersionVector, rhs: VersionVector) -> Bool {
        let left = lhs.sortedEntries.map { "\($0.replica)=\($0.counter)" }
        let right = rhs.sortedEntries.map { "\($0.replica)=\($0.counter)" }
        return left.lexicographicallyPrecedes(right)
    }
}
