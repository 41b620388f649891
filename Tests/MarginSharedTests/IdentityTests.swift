import Testing

@testable import MarginShared

@Suite struct IdentityTests {
    @Test func sha256MatchesTheStandardVectors() {
        #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(
            SHA256.hex(String(repeating: "a", count: 1_000))
                == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }

    @Test func articleIDsFromEquivalentURLsAgree() {
        let a = RecordID.article(url: "HTTPS://Example.com/story/?utm_source=x#top", text: "one")
        let b = RecordID.article(url: "https://example.com/story", text: "two")
        #expect(a == b)
        #expect(a.hasPrefix("a-") && a.count == 66)
        #expect(RecordID.article(url: "https://example.com/other", text: "one") != a)
    }

    @Test func articleIDsFromTextIgnoreWhitespaceDifferences() {
        let a = RecordID.article(url: nil, text: "Hello   world\n\nagain")
        let b = RecordID.article(url: nil, text: " Hello world again ")
        #expect(a == b)
        #expect(RecordID.article(url: "not a url", text: "Hello world again") == a)
    }

    @Test func uuidv7IsTimeOrderedAndWellFormed() {
        let first = RecordID.uuidv7(millis: 1_700_000_000_000)
        let second = RecordID.uuidv7(millis: 1_700_000_000_001)
        #expect(first < second)
        #expect(first.count == 36)
        #expect(Array(first)[14] == "7")
        #expect("89ab".contains(Array(first)[19]))
    }

    /// A batch made within one millisecond (a bulk import) still comes out in order, so that it
    /// is appended to every index on the id instead of landing all over it.
    @Test func uuidv7sMadeInOneMillisecondKeepIncreasing() {
        let millis: Int64 = 1_700_000_000_000
        // A sequence of its own: tests running beside this one make ids of the present millisecond,
        // which would start the shared sequence afresh halfway through.
        let sequence = UUIDv7Sequence()
        let ids = (0..<10_000).map { _ in RecordID.uuidv7(millis: millis, sequence: sequence) }
        #expect(zip(ids, ids.dropFirst()).filter { $0 >= $1 }.count == 0, "ids out of order")
        #expect(Set(ids).count == ids.count)
        for id in ids.prefix(100) {
            #expect(id.hasPrefix("018bcfe5-6800-7"))
            #expect("89ab".contains(Array(id)[19]))
            #expect(id.count == 36 && id.split(separator: "-").map(\.count) == [8, 4, 4, 4, 12])
        }
        // A later millisecond starts afresh, after all of them.
        #expect(RecordID.uuidv7(millis: millis + 1, sequence: sequence) > ids.last!)
    }
}
