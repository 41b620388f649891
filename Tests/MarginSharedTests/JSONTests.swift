import Foundation
import Testing

@testable import MarginShared

@Suite struct JSONTests {
    @Test func parsesWhatFoundationWrites() throws {
        let object: [String: Any] = [
            "text": "quote \" back\\slash \n tab\t é 🇧🇾 \u{1}", "int": -42, "big": UInt64.max, "double": 0.25,
            "list": [true, false, NSNull()], "nested": ["a": ["b": [1, 2]]],
        ]
        let data = try JSONSerialization.data(withJSONObject: object)
        let parsed = try JSONValue.parse(data)
        #expect(parsed["text"]?.string == "quote \" back\\slash \n tab\t é 🇧🇾 \u{1}")
        #expect(parsed["int"] == .int(-42))
        #expect(parsed["big"] == .uint(UInt64.max))
        #expect(parsed["double"] == .double(0.25))
        #expect(parsed["list"] == .array([.bool(true), .bool(false), .null]))
        #expect(parsed["nested"]?["a"]?["b"] == .array([.int(1), .int(2)]))
    }

    @Test func writerOutputParsesBackToTheSameValue() throws {
        let value = JSONValue.object([
            ("s", .string("a\"b\\c\n\u{0}\u{1F}é😀")), ("n", .int(Int64.min)), ("u", .uint(UInt64.max)),
            ("d", .double(1e-7)),
            ("f", .double(3.0)), ("a", .array([])), ("o", .object([])),
        ])
        var writer = JSONWriter()
        writer.value(value)
        #expect(try JSONValue.parse(writer.bytes) == value)
        #expect(try JSONSerialization.jsonObject(with: Data(writer.bytes)) is [String: Any])
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        #expect(try JSONValue.parse(Array(#""\u00e9\ud83d\ude00\/\b""#.utf8)) == .string("é😀/\u{8}"))
    }

    @Test func refusesMalformedInput() {
        let bad = [
            "", "{", "[1,]", "{\"a\":}", "{\"a\" 1}", "01", "1.", "-", "1e", "tru", "\"unterminated", "\"\\x\"",
            "\"\\ud800\"", "\"\\udc00x\"", "[1] 2", "{'a':1}", "\"a\u{1}b\"", "NaN", "1e999",
        ]
        for text in bad {
            #expect(throws: JSONError.self, "\(text)") { try JSONValue.parse(Array(text.utf8)) }
        }
        #expect(throws: JSONError.self) { try JSONValue.parse([0x22, 0xC3, 0x28, 0x22]) }
    }

    /// Strings are checked to be UTF-8 as they are read, whatever a repair would have made of them.
    @Test func refusesInvalidUTF8InStrings() throws {
        func string(_ bytes: [UInt8]) throws -> JSONValue { try JSONValue.parse([0x22] + bytes + [0x22]) }
        #expect(try string(Array("é “quoted” 😀".utf8)) == .string("é “quoted” 😀"))
        let invalid: [[UInt8]] = [
            [0x61, 0x80],  // a lone continuation byte
            [0xC0, 0xAF],  // an overlong slash
            [0xED, 0xA0, 0x80],  // a surrogate
            [0xF4, 0x90, 0x80, 0x80],  // past U+10FFFF
            // Cut short: repaired as one U+FFFD, which is just as long (3 bytes).
            [0xF0, 0x9F, 0x98],
        ]
        for bytes in invalid {
            #expect(throws: JSONError.self, "\(bytes)") { try string(bytes) }
        }
    }

    @Test func refusesDeepNestingWithoutCrashing() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONError.self) { try JSONValue.parse(Array(deep.utf8)) }
        let ok = String(repeating: "[", count: JSONValue.maxDepth) + String(repeating: "]", count: JSONValue.maxDepth)
        #expect(throws: Never.self) { try JSONValue.parse(Array(ok.utf8)) }
    }
}
