/// One distinct value of a field, with every concurrent write that wrote it.
public struct Sibling: Hashable, Sendable {
    /// The value.
    public let value: FieldValue
    /// The writes that wrote this value, sorted.
    public let dots: [Dot]
    /// The latest stamp among those writes.
    public let stamp: Timestamp
}

/// A field that holds more than one distinct value: the user should pick.
public struct FieldConflict: Hashable, Sendable {
    /// The conflicting field.
    public let field: String
    /// The siblings, the shown winner first; at most `RecordState.siblingCap`.
    public let siblings: [Sibling]
    /// How many older siblings beyond the cap were folded into the winner.
    public let folded: Int
}

extension RecordState {
    /// The most siblings a field shows; older ones fold into the winner.
    public static let siblingCap = 16

    /// The distinct values of `field`, greatest stamp first, capped at `siblingCap`.
    ///
    /// Concurrent writes of the same value are one sibling that keeps all their dots.
    public func siblings(_ field: String) -> [Sibling] {
        Array(allSiblings(field).prefix(Self.siblingCap))
    }

    /// How many siblings of `field` beyond the cap fold into the winner.
    public func foldedSiblings(_ field: String) -> Int {
        max(0, allSiblings(field).count - Self.siblingCap)
    }

    /// The value of `field` as its policy shows it, or nil when never written.
    public func value(_ field: String) -> FieldValue? {
        guard let writes = fields[field], !writes.isEmpty, let policy = kind.field(field)?.policy else { return nil }
        switch policy {
        case .multiValue, .lastWriterWins:
            return writes.max { $0.stamp < $1.stamp }?.value
        case .maximum:
            return writes.max { $0.value < $1.value }?.value
        case .minimum:
            return writes.min { $0.value < $1.value }?.value
        }
    }

    /// The multi-value fields that hold more than one distinct value.
    public var conflicts: [FieldConflict] {
        // Only a field with several live writes can conflict; most records have none.
        guard fields.values.contains(where: { $0.count > 1 }) else { return [] }
        return fields.filter { $0.value.count > 1 }.keys.sorted().compactMap { name in
            guard kind.field(name)?.policy == .multiValue else { return nil }
            let all = allSiblings(name)
            guard all.count > 1 else { return nil }
            return FieldConflict(
                field: name, siblings: Array(all.prefix(Self.siblingCap)),
                folded: max(0, all.count - Self.siblingCap))
        }
    }

    private func allSiblings(_ field: String) -> [Sibling] {
        let groups = Dictionary(grouping: fields[field] ?? [], by: \.value)
        return groups.map { value, writes in
            Sibling(value: value, dots: writes.map(\.dot).sorted(), stamp: writes.map(\.stamp).max()!)
        }
        .sorted { $0.stamp > $1.stamp }
    }
}
