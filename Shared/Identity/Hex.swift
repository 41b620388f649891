/// Lowercase hexadecimal text, built as UTF-8 bytes (one string at the end, not one per byte).
enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    /// Appends `byte`'s two lowercase hex digits to `text`.
    static func append(_ byte: UInt8, to text: inout [UInt8]) {
        text.append(digits[Int(byte >> 4)])
        text.append(digits[Int(byte & 0x0F)])
    }
}
