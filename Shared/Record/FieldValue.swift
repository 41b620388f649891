/// The value of one record field.
public enum FieldValue: Hashable, Sendable, Comparable, CustomStringConvertible {
    case string(String)
    case int(Int64)
    case double(Double)
    case bool(Bool)
    case anchor(Anchor)

    /// The type this value has.
    public var type: FieldType {
        switch self {
        case .string: .string
        case .int: .int
        case .double: .double
        case .bool: .bool
        case .anchor: .anchor
        }
    }

    /// The string, when this is one.
    public var stringValue: String? {
        if case .string(let value) = self { value } else { nil }
    }

    /// The integer, when this is one.
    public var intValue: Int64? {
        if case .int(let value) = self { value } else { nil }
    }

    /// The number, when this is one.
    public var doubleValue: Double? {
        if case .double(let value) = self { value } else { nil }
    }

    /// The flag, when this is one.
    public var boolValue: Bool? {
        if case .bool(let value) = self { value } else { nil }
    }

    /// The anchor, when this is one.
    public var anchorValue: Anchor? {
        if case .anchor(let value) = self { value } else { nil }
    }

    /// Orders two values.
    public static func < (lhs: FieldValue, rhs: FieldValue) -> Bool {
        switch (lhs, rhs) {
        case (.string(let a), .string(let b)): a < b
        case (.int(let a), .int(let b)): a < b
        case (.double(let a), .double(let b)): a < b
        case (.bool(let a), .bool(let b)): !a && b
        case (.anchor(let a), .anchor(let b)): a < b
        default: lhs.type.rawValue < rhs.type.rawValue
        }
    }

    /// A short human-readable form.
    public var description: String {
        switch self {
        case .string(let value): value
        case .int(let value): String(value)
        case .double(let value): String(value)
        case .bool(let value): String(value)
        case .anchor(let value): "“\(value.exact)” [\(value.start)..<\(value.end)]"
        }
    }
}

/// The type a field holds.
public enum FieldType: String, Sendable {
    case string, int, double, bool, anchor
}
