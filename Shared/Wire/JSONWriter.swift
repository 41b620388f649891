/// Writes compact JSON into a byte buffer; the caller chooses key order.
public struct JSONWriter: Sendable {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8] = []

    /// An empty writer, optionally with room for `capacity` bytes.
    public init(capacity: Int = 256) {
        bytes.reserveCapacity(capacity)
    }

    /// Forgets what was written, keeping the room it took.
    public mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
    }

    /// Appends raw JSON text (punctuation or an already-encoded value).
    public mutating func raw(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Appends already-encoded JSON bytes.
    public mutating func raw<Bytes: Sequence<UInt8>>(bytes more: Bytes) {
        bytes.append(contentsOf: more)
    }

    /// Appends a quoted, escaped string.
    public mutating func string(_ text: String) {
        var text = text
        text.withUTF8 { utf8 in
            bytes.append(UInt8(ascii: "\""))
            var start = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                // Copy the clean run before this byte in one go, then its escape.
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index]))
                start = index + 1
                switch byte {
                case UInt8(ascii: "\""): raw("\\\"")
                case UInt8(ascii: "\\"): raw("\\\\")
                case 0x0A: raw("\\n")
                case 0x0D: raw("\\r")
                case 0x09: raw("\\t")
                default:
                    raw("\\u00")
                    bytes.append(Self.hex[Int(byte >> 4)])
                    bytes.append(Self.hex[Int(byte & 0xF)])
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<utf8.count]))
            bytes.append(UInt8(ascii: "\""))
        }
    }

    /// Appends `"key":`.
    public mutating func key(_ name: String) {
        string(name)
        bytes.append(UInt8(ascii: ":"))
    }

    /// Appends a whole number.
    public mutating func int<Number: BinaryInteger>(_ value: Number) {
        if value == 0 {
            bytes.append(UInt8(ascii: "0"))
            return
        }
        var magnitude = value.magnitude
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        // Least significant digit first, then turned around in place: no scratch array.
        let start = bytes.count
        while magnitude > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
        }
        bytes[start...].reverse()
    }

    /// Appends a finite number in its shortest round-trip form.
    public mutating func double(_ value: Double) {
        if value == value.rounded(), abs(value) < 1e15 {
            int(Int64(value))
            bytes.append(contentsOf: Array(".0".utf8))
        } else {
            bytes.append(contentsOf: Array(value.description.utf8))
        }
    }

    /// Appends `true` or `false`.
    public mutating func bool(_ value: Bool) {
        if value { raw("true") } else { raw("false") }
    }

    /// Appends a parsed JSON value back, keys in their parsed order.
    public mutating func value(_ value: JSONValue) {
        switch value {
        case .null: raw("null")
        case .bool(let flag): bool(flag)
        case .int(let number): int(number)
        case .uint(let number): int(number)
        case .double(let number): double(number)
        case .string(let text): string(text)
        case .array(let items):
            raw("[")
            for (index, item) in items.enumerated() {
                if index > 0 { raw(",") }
                self.value(item)
            }
            raw("]")
        case .object(let members):
            raw("{")
            for (index, member) in members.enumerated() {
                if index > 0 { raw(",") }
                key(member.0)
                self.value(member.1)
            }
            raw("}")
        }
    }

    /// Appends `value` laid out as Foundation's `JSONSerialization` lays out `.prettyPrinted` and
    /// `.sortedKeys` output: two spaces an indent level, `"key" : value`, members in `String`
    /// order (Foundation's own for the lowercase ASCII keys the exports write; keys with capitals
    /// or digits may sort otherwise there); `depth` is the indent level the value starts at.
    public mutating func pretty(_ value: JSONValue, depth: Int = 0) {
        switch value {
        case .array(let items):
            raw("[\n")
            for (index, item) in items.enumerated() {
                if index > 0 { raw(",\n") }
                indent(depth + 1)
                pretty(item, depth: depth + 1)
            }
            raw("\n")
            indent(depth)
            raw("]")
        case .object(let members):
            raw("{\n")
            for (index, member) in members.sorted(by: { $0.0 < $1.0 }).enumerated() {
                if index > 0 { raw(",\n") }
                indent(depth + 1)
                string(member.0)
                raw(" : ")
                pretty(member.1, depth: depth + 1)
            }
            raw("\n")
            indent(depth)
            raw("}")
        default:
            self.value(value)
        }
    }

    /// Appends the spaces of `depth` indent levels.
    public mutating func indent(_ depth: Int) {
        bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * depth))
    }

    private static let hex = Array("0123456789abcdef".utf8)
}
