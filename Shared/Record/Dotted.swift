/// A value written by one edit: the edit's dot, its stamp and what it wrote.
public struct Dotted<Value: Hashable & Comparable & Sendable>: Hashable, Sendable {
    /// The edit that wrote it.
    public let dot: Dot
    /// When, in hybrid logical time.
    public let stamp: Timestamp
    /// What was written.
    public let value: Value

    /// A written value.
    public init(dot: Dot, stamp: Timestamp, value: Value) {
        self.dot = dot
        self.stamp = stamp
        self.value = value
    }
}

/// The payload of a tag add: its presence is all it says.
public struct Presence: Hashable, Comparable, Sendable {
    /// The one presence.
    public init() {}
    /// Orders two values.
    public static func < (lhs: Presence, rhs: Presence) -> Bool { false }
}

extension Dotted {
    /// Joins two sets of writes under their causal contexts (the dot-kernel join).
    ///
    /// A write survives when both sides hold it, or when the other side has never seen its dot.
    /// Inputs and output are sorted by dot.
    static func join(
        _ left: [Dotted], _ leftContext: VersionVector,
        _ right: [Dotted], _ rightContext: VersionVector
    ) -> [Dotted] {
        var result: [Dotted] = []
        result.reserveCapacity(max(left.count, right.count))
        var i = 0
        var j = 0
        while i < left.count || j < right.count {
            if j == right.count || (i < left.count && left[i].dot < right[j].dot) {
                if !rightContext.contains(left[i].dot) { result.append(left[i]) }
                i += 1
            } else if i == left.count || right[j].dot < left[i].dot {
                if !leftContext.contains(right[j].dot) { result.append(right[j]) }
                j += 1
            } else {
                // Same dot on both sides: the same write. Should two copies ever differ, pick one
                // by a total order so that every replica picks the same.
                result.append(max(left[i], right[j]))
                i += 1
                j += 1
            }
        }
        return result
    }
}

extension Dotted: Comparable {
    /// Orders two values.
    public static func < (lhs: Dotted, rhs: Dotted) -> Bool {
        if lhs.stamp != rhs.stamp { return lhs.stamp < rhs.stamp }
        return lhs.value < rhs.value
    }
}
