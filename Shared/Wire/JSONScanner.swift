import Foundation

/// Reads JSON tokens from UTF-8 bytes in place, noting whether the text is in the canonical form
/// `JSONWriter` writes (no whitespace, only the escapes it uses, plain integers).
///
/// The record decoder and the envelope reader walk documents with it without building a tree.
struct JSONScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0
    /// Whether everything read so far is byte for byte what `JSONWriter` would write.
    var canonical = true

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    func error(_ reason: String) -> JSONError { JSONError(offset: index, reason: reason) }

    var atEnd: Bool { index >= bytes.count }

    mutating func skipWhitespace() {
        // Canonical text has none: one comparison settles the usual case.
        if index < bytes.count && bytes[index] > 0x20 { return }
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09:
                index += 1
                canonical = false
            default: return
            }
        }
    }

    /// The next byte after any whitespace, without consuming it.
    @inline(__always)
    mutating func peek() throws(JSONError) -> UInt8 {
        skipWhitespace()
        guard index < bytes.count else { throw error("unexpected end of input") }
        return bytes[index]
    }

    /// Consumes `byte` (after any whitespace) or fails with `expected`.
    mutating func expect(_ byte: UInt8, _ expected: String) throws(JSONError) {
        guard try peek() == byte else { throw error("expected \(expected)") }
        index += 1
    }

    // MARK: - Containers

    /// Consumes `{`; false when the object is empty (its `}` consumed too).
    mutating func openObject() throws(JSONError) -> Bool {
        try expect(UInt8(ascii: "{"), "an object")
        if try peek() == UInt8(ascii: "}") {
            index += 1
            return false
        }
        return true
    }

    /// Reads a member name and its `:`.
    mutating func memberName() throws(JSONError) -> String {
        guard try peek() == UInt8(ascii: "\"") else { throw error("expected a member name") }
        let name = try string()
        try expect(UInt8(ascii: ":"), "':'")
        return name
    }

    /// Reads a member name and its `:`, in place when it is plain ASCII without escapes.
    mutating func member() throws(JSONError) -> MemberName {
        guard try peek() == UInt8(ascii: "\"") else { throw error("expected a member name") }
        let name = try name()
        try expect(UInt8(ascii: ":"), "':'")
        return name
    }

    /// Reads a string as a name (a member name, or a value such as a replica id), in place when
    /// it is plain ASCII without escapes.
    mutating func name() throws(JSONError) -> MemberName {
        guard try peek() == UInt8(ascii: "\"") else { throw error("expected a string") }
        if let plain = plainString() { return MemberName(plain: plain) }
        return MemberName(decoded: try string())
    }

    /// Reads the string whose quote is at `index` in place when it holds only printable ASCII
    /// without escapes; nil, reading nothing, for any other string (the full reader takes it then).
    private mutating func plainString() -> UnsafeBufferPointer<UInt8>? {
        let base = bytes.baseAddress!
        var position = index + 1
        while position < bytes.count {
            let byte = base[position]
            if byte == UInt8(ascii: "\"") {
                let plain = UnsafeBufferPointer(start: base + index + 1, count: position - index - 1)
                index = position + 1
                return plain
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 || byte >= 0x80 { return nil }
            position += 1
        }
        return nil
    }

    /// After a member's value: true when `,` follows (another member), false at `}`.
    mutating func nextMember() throws(JSONError) -> Bool {
        switch try peek() {
        case UInt8(ascii: ","):
            index += 1
            return true
        case UInt8(ascii: "}"):
            index += 1
            return false
        default: throw error("expected ',' or '}'")
        }
    }

    /// Consumes `[`; false when the array is empty (its `]` consumed too).
    mutating func openArray() throws(JSONError) -> Bool {
        try expect(UInt8(ascii: "["), "an array")
        if try peek() == UInt8(ascii: "]") {
            index += 1
            return false
        }
        return true
    }

    /// After an item: true when `,` follows (another item), false at `]`.
    mutating func nextItem() throws(JSONError) -> Bool {
        switch try peek() {
        case UInt8(ascii: ","):
            index += 1
            return true
        case UInt8(ascii: "]"):
            index += 1
            return false
        default: throw error("expected ',' or ']'")
        }
    }

    // MARK: - Values

    /// Reads any value into a tree.
    mutating func value(depth: Int) throws(JSONError) -> JSONValue {
        switch try peek() {
        case UInt8(ascii: "{"):
            guard depth < JSONValue.maxDepth else { throw error("nested deeper than \(JSONValue.maxDepth) levels") }
            var members: [(String, JSONValue)] = []
            guard try openObject() else { return .object(members) }
            repeat {
                let name = try memberName()
                members.append((name, try value(depth: depth + 1)))
            } while try nextMember()
            return .object(members)
        case UInt8(ascii: "["):
            guard depth < JSONValue.maxDepth else { throw error("nested deeper than \(JSONValue.maxDepth) levels") }
            var items: [JSONValue] = []
            guard try openArray() else { return .array(items) }
            repeat { items.append(try value(depth: depth + 1)) } while try nextItem()
            return .array(items)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw error("unexpected character")
        }
    }

    mutating func literal(_ word: StaticString, _ result: JSONValue) throws(JSONError) -> JSONValue {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw error("unexpected end of input") }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] {
            throw error("unexpected character")
        }
        index += count
        return result
    }

    /// Reads a string; escapes other than the ones `JSONWriter` writes clear `canonical`.
    mutating func string() throws(JSONError) -> String {
        guard try peek() == UInt8(ascii: "\"") else { throw error("expected a string") }
        index += 1
        let start = index
        // Fast path: no escapes. Eight bytes at a time until one may need a look (a quote, a
        // backslash or a control character), then byte by byte.
        let base = bytes.baseAddress!
        let end = bytes.count
        var position = index
        var high: UInt64 = 0
        while position + 8 <= end {
            let word = UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self)
            if Self.mayNeedLook(word) { break }
            high |= word
            position += 8
        }
        var bits: UInt8 = high & 0x8080_8080_8080_8080 == 0 ? 0 : 0x80
        while position < end {
            let byte = base[position]
            if byte == UInt8(ascii: "\"") {
                index = position + 1
                let slice = UnsafeBufferPointer(start: base + start, count: position - start)
                return try Self.text(slice, ascii: bits < 0x80, offset: start)
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 {
                index = position
                throw error("a control character inside a string")
            }
            bits |= byte
            position += 1
        }
        index = position
        var scratch = Array(UnsafeBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return try scratch.withUnsafeBufferPointer { buffer throws(JSONError) in
                    try Self.text(buffer, ascii: false, offset: start)
                }
            case UInt8(ascii: "\\"):
                index += 1
                guard index < bytes.count else { throw error("unexpected end of input") }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): scratch.append(escape)
                case UInt8(ascii: "n"): scratch.append(0x0A)
                case UInt8(ascii: "r"): scratch.append(0x0D)
                case UInt8(ascii: "t"): scratch.append(0x09)
                case UInt8(ascii: "/"):
                    canonical = false
                    scratch.append(escape)
                case UInt8(ascii: "b"):
                    canonical = false
                    scratch.append(0x08)
                case UInt8(ascii: "f"):
                    canonical = false
                    scratch.append(0x0C)
                case UInt8(ascii: "u"):
                    let digits = index
                    var code = try hex4()
                    // The writer escapes only control characters other than \n \r \t, in lowercase hex.
                    if code >= 0x20 || code == 0x0A || code == 0x0D || code == 0x09
                        || bytes[digits..<index].contains(where: { (0x41...0x46).contains($0) })
                    {
                        canonical = false
                    }
                    if (0xD800..<0xDC00).contains(code) {
                        guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
                            bytes[index + 1] == UInt8(ascii: "u")
                        else {
                            throw error("a lone surrogate in a string")
                        }
                        index += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw error("a lone surrogate in a string") }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00..<0xE000).contains(code) {
                        throw error("a lone surrogate in a string")
                    }
                    guard let scalar = Unicode.Scalar(code) else { throw error("an invalid \\u escape") }
                    scratch.append(contentsOf: String(scalar).utf8)
                default:
                    throw error("an invalid escape")
                }
            default:
                if byte < 0x20 { throw error("a control character inside a string") }
                scratch.append(byte)
                index += 1
            }
        }
        throw error("an unterminated string")
    }

    /// Whether any byte of `word` may be a quote, a backslash or a control character (it may say
    /// yes wrongly, never no wrongly).
    @inline(__always)
    static func mayNeedLook(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        func hasZeroByte(_ value: UInt64) -> UInt64 { (value &- ones) & ~value & highs }
        let quote = hasZeroByte(word ^ (ones &* 0x22))
        let backslash = hasZeroByte(word ^ (ones &* 0x5C))
        let control = (word &- ones &* 0x20) & ~word & highs
        return quote | backslash | control != 0
    }

    /// The string of UTF-8 bytes, refusing invalid UTF-8.
    ///
    /// `String(validating:)` takes a slow generic path here; decoding (which repairs) and checking
    /// that nothing was repaired is several times faster, and ASCII needs no check at all. The check
    /// is a memcmp: `elementsEqual` through the string's UTF-8 view took 3 to 4 times as long.
    static func text(_ utf8: UnsafeBufferPointer<UInt8>, ascii: Bool, offset: Int) throws(JSONError) -> String {
        var text = String(decoding: utf8, as: UTF8.self)
        if !ascii {
            let unrepaired = text.withUTF8 { decoded in
                decoded.count == utf8.count && memcmp(decoded.baseAddress!, utf8.baseAddress!, utf8.count) == 0
            }
            guard unrepaired else { throw JSONError(offset: offset, reason: "a string is not valid UTF-8") }
        }
        return text
    }

    mutating func hex4() throws(JSONError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw error("unexpected end of input") }
        var code: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw error("an invalid \\u escape")
            }
            code = code << 4 | digit
            index += 1
        }
        return code
    }

    /// Reads a whole number of at most 18 digits in its canonical form (no leading zero, no "-0"),
    /// the common case, without building a value; nil, reading nothing, for any other number.
    mutating func plainInteger() -> Int64? {
        var position = index
        let negative = position < bytes.count && bytes[position] == UInt8(ascii: "-")
        if negative { position += 1 }
        let digits = position
        var value: Int64 = 0
        // 18 digits cannot overflow Int64.
        while position < bytes.count, position - digits < 18 {
            let digit = bytes[position] &- UInt8(ascii: "0")
            guard digit < 10 else { break }
            value = value &* 10 &+ Int64(digit)
            position += 1
        }
        guard position > digits, bytes[digits] != UInt8(ascii: "0") || position == digits + 1 else { return nil }
        if position < bytes.count {
            let next = bytes[position]
            guard next != UInt8(ascii: "."), next | 0x20 != UInt8(ascii: "e"), next &- UInt8(ascii: "0") >= 10 else {
                return nil
            }
        }
        guard !negative || value != 0 else { return nil }
        index = position
        return negative ? -value : value
    }

    /// Reads a number: `.int` when whole and within Int64, `.uint` above that, else `.double`.
    mutating func number() throws(JSONError) -> JSONValue {
        let start = index
        let negative = try peek() == UInt8(ascii: "-")
        if negative { index += 1 }
        let digits = index
        var magnitude: UInt64 = 0
        var overflow = false
        while index < bytes.count, bytes[index] &- UInt8(ascii: "0") < 10 {
            let (times, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times.addingReportingOverflow(UInt64(bytes[index] &- UInt8(ascii: "0")))
            overflow = overflow || o1 || o2
            magnitude = sum
            index += 1
        }
        guard index > digits else { throw error("a malformed number") }
        guard bytes[digits] != UInt8(ascii: "0") || index == digits + 1 else { throw error("a malformed number") }
        var isInteger = true
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            let fraction = index
            while index < bytes.count, bytes[index] &- UInt8(ascii: "0") < 10 { index += 1 }
            guard index > fraction else { throw error("a malformed number") }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            isInteger = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            let exponent = index
            while index < bytes.count, bytes[index] &- UInt8(ascii: "0") < 10 { index += 1 }
            guard index > exponent else { throw error("a malformed number") }
        }
        if isInteger && !overflow {
            if negative && magnitude == 0 { canonical = false }
            if !negative && magnitude > UInt64(Int64.max) { return .uint(magnitude) }
            if magnitude <= UInt64(Int64.max) { return .int(negative ? -Int64(magnitude) : Int64(magnitude)) }
            if negative && magnitude == UInt64(Int64.max) + 1 { return .int(Int64.min) }
        }
        // Doubles are rare on the wire; their canonical form is left to the writer.
        canonical = false
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            throw JSONError(offset: start, reason: "a number out of range")
        }
        return .double(value)
    }

    /// Skips one array or object by its brackets and string quotes alone, checking nothing inside:
    /// for a pass that only looks past text that a full read checks later.
    mutating func skipContainer() throws(JSONError) {
        let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")
        var depth = 0
        var inString = false
        let base = bytes.baseAddress!
        while index < bytes.count {
            if inString {
                // Most of a page is string bytes: passed over eight at a time.
                while index + 8 <= bytes.count,
                    !Self.mayNeedLook(UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self))
                {
                    index += 8
                }
                guard index < bytes.count else { break }
            }
            let byte = base[index]
            index += 1
            if inString {
                if byte == quote {
                    inString = false
                } else if byte == backslash {
                    index += 1
                }
                continue
            }
            switch byte {
            case quote: inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"): depth += 1
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth -= 1
                if depth == 0 { return }
            default: break
            }
        }
        throw error("unexpected end of the document")
    }

    /// Skips one value of any kind, checking its syntax.
    mutating func skipValue(depth: Int) throws(JSONError) {
        switch try peek() {
        case UInt8(ascii: "{"):
            guard depth < JSONValue.maxDepth else { throw error("nested deeper than \(JSONValue.maxDepth) levels") }
            guard try openObject() else { return }
            repeat {
                _ = try memberName()
                try skipValue(depth: depth + 1)
            } while try nextMember()
        case UInt8(ascii: "["):
            guard depth < JSONValue.maxDepth else { throw error("nested deeper than \(JSONValue.maxDepth) levels") }
            guard try openArray() else { return }
            repeat { try skipValue(depth: depth + 1) } while try nextItem()
        default:
            _ = try value(depth: depth)
        }
    }
}
