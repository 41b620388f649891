/// Text rules shared by extraction and rendering.
enum HTMLText {
    /// White space as HTML text shows it: ASCII white space, no-break and other Unicode spaces.
    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F,
            0x3000, 0xFEFF:
            return true
        default:
            return false
        }
    }

    /// Whether the scalar `value` is white space (`isSpace`).
    @inline(__always)
    static func isSpace(_ value: UInt32) -> Bool {
        if value < 0x80 { return value == 0x20 || (value >= 0x09 && value <= 0x0D) }
        return Unicode.Scalar(value).map(isSpace) ?? false
    }

    /// Calls `body` with each scalar of `text`: its value and the range of its UTF-8 bytes.
    ///
    /// Extraction reads every text run several times; decoding the bytes here, with a branch for
    /// ASCII, costs a fraction of the generic `unicodeScalars` iterator.
    @inline(__always)
    static func forEachScalar(
        _ text: String, _ body: (_ value: UInt32, _ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Void
    ) {
        var text = text
        text.withUTF8 { bytes in
            var index = 0
            let count = bytes.count
            while index < count {
                let lead = UInt32(bytes[index])
                if lead < 0x80 {
                    body(lead, bytes, index, index + 1)
                    index += 1
                    continue
                }
                // A String's bytes are valid UTF-8: the lead byte gives the length.
                let value: UInt32
                let length: Int
                if lead < 0xE0 {
                    value = (lead & 0x1F) << 6 | UInt32(bytes[index + 1] & 0x3F)
                    length = 2
                } else if lead < 0xF0 {
                    value = (lead & 0x0F) << 12 | UInt32(bytes[index + 1] & 0x3F) << 6 | UInt32(bytes[index + 2] & 0x3F)
                    length = 3
                } else {
                    value =
                        (lead & 0x07) << 18 | UInt32(bytes[index + 1] & 0x3F) << 12
                        | UInt32(bytes[index + 2] & 0x3F) << 6 | UInt32(bytes[index + 3] & 0x3F)
                    length = 4
                }
                body(value, bytes, index, index + length)
                index += length
            }
        }
    }

    /// Whether `text` is all white space (or empty).
    static func isBlank(_ text: String) -> Bool {
        for byte in text.utf8 {
            if byte >= 0x80 { return text.unicodeScalars.allSatisfy(isSpace) }
            if !isSpace(UInt32(byte)) { return false }
        }
        return true
    }

    /// `text` trimmed, with each run of white space made one space.
    static func collapsingWhitespace(_ text: String) -> String {
        var collapser = WhitespaceCollapser()
        collapser.append(text)
        return String(decoding: collapser.bytes, as: UTF8.self)
    }

    /// The `\w+` words of `text` (runs of letters, digits, marks and underscores).
    static func words(_ text: String) -> [Substring] {
        text.split { !isWordCharacter($0) }
    }

    static func isWordCharacter(_ character: Character) -> Bool {
        character.isLetter || character.isNumber || character == "_"
            || character.unicodeScalars.first.map { $0.properties.generalCategory == .nonspacingMark } == true
    }
}

/// Writes text as `HTMLText.collapsingWhitespace` leaves it, a run at a time: each run of white
/// space one space, none at the start or end.
struct WhitespaceCollapser {
    /// The UTF-8 bytes written.
    private(set) var bytes: [UInt8] = []
    /// White space was read after the last text written.
    private var pendingSpace = false

    mutating func append(_ text: String) {
        HTMLText.forEachScalar(text) { value, utf8, start, end in
            if HTMLText.isSpace(value) {
                pendingSpace = !bytes.isEmpty
            } else {
                if pendingSpace { bytes.append(0x20) }
                pendingSpace = false
                if end - start == 1 {
                    bytes.append(utf8[start])
                } else {
                    bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<end]))
                }
            }
        }
    }
}
