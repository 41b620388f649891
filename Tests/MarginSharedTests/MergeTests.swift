import Foundation
import Testing

@testable import MarginShared

@Suite struct MergeTests {
    func note() -> RecordState { RecordState(id: "n-1", kind: .note, articleID: "a-1") }

    @Test func concurrentDifferentWritesBecomeSiblingsAndAConflict() throws {
        var laptop = TestReplica("laptop")
        var desktop = TestReplica("desktop")
        var base = note()
        try laptop.edit(&base, [.set("body", .string("first"))])
        var left = base
        var right = base
        try laptop.edit(&left, [.set("body", .string("from laptop"))])
        try desktop.edit(&right, [.set("body", .string("from desktop"))])
        let merged = try RecordState.merge(left, right)
        #expect(Set(merged.siblings("body").map(\.value)) == [.string("from laptop"), .string("from desktop")])
        #expect(merged.conflicts.map(\.field) == ["body"])
        // The shown value is the sibling with the greatest stamp.
        let newest = merged.fields["body"]!.max { $0.stamp < $1.stamp }!.value
        #expect(merged.value("body") == newest)
        #expect(merged.siblings("body").first?.value == newest)
    }

    @Test func aWriteThatHasSeenTheSiblingsResolvesThem() throws {
        var laptop = TestReplica("laptop")
        var desktop = TestReplica("desktop")
        var left = note()
        var right = note()
        try laptop.edit(&left, [.set("body", .string("L"))])
        try desktop.edit(&right, [.set("body", .string("D"))])
        var merged = try RecordState.merge(left, right)
        #expect(merged.conflicts.count == 1)
        try laptop.edit(&merged, [.set("body", .string("L and D"))])
        #expect(merged.conflicts.isEmpty)
        // A stale copy of either side arriving later does not bring the conflict back.
        let again = try RecordState.merge(try RecordState.merge(merged, right), left)
        #expect(again == merged)
        #expect(again.value("body") == .string("L and D"))
    }

    @Test func concurrentWritesOfTheSameValueAreOneSibling() throws {
        var laptop = TestReplica("laptop")
        var desktop = TestReplica("desktop")
        var left = RecordState(id: "a-1", kind: .article)
        var right = left
        try laptop.edit(&left, [.set("title", .string("Same")), .set("addedAt", .int(200))])
        try desktop.edit(&right, [.set("title", .string("Same")), .set("addedAt", .int(100))])
        let merged = try RecordState.merge(left, right)
        #expect(merged.conflicts.isEmpty)
        #expect(merged.siblings("title").count == 1)
        #expect(merged.siblings("title")[0].dots.count == 2)
        #expect(merged.value("addedAt") == .int(100))
    }

    @Test func lastWriterWinsMaxAndMinResolveWithoutConflict() throws {
        var laptop = TestReplica("laptop")
        var desktop = TestReplica("desktop")
        var left = RecordState(id: "a-1", kind: .article)
        var right = left
        try laptop.edit(&left, [.set("archived", .bool(true)), .set("progress", .double(0.8))])
        try desktop.edit(&right, [.set("archived", .bool(false)), .set("progress", .double(0.3))])
        let merged = try RecordState.merge(left, right)
        #expect(merged.conflicts.isEmpty)
        let newer = [left, right].max { $0.latestStamp! < $1.latestStamp! }!
        #expect(merged.value("archived") == newer.value("archived"))
        #expect(merged.value("progress") == .double(0.8))
    }

    @Test func tagsAreAnAddWinsSet() throws {
        var laptop = TestReplica("laptop")
        var desktop = TestReplica("desktop")
        var base = note()
        try laptop.edit(&base, [.addTag("belarus"), .addTag("diplomacy")])
        var left = base
        var right = base
        try laptop.edit(&left, [.removeTag("belarus"), .addTag("sanctions")])
        try desktop.edit(&right, [.addTag("belarus"), .removeTag("diplomacy")])
        let merged = try RecordState.merge(left, right)
        // belarus: removed on the laptop but re-added concurrently on the desktop, so the add wins.
        #expect(merged.tagNames == ["belarus", "sanctions"])
    }

    @Test func anEditTheDeleterHadNotSeenWinsOverTheDelete() throws {
        var laptop = TestReplica("laptop")
        var desktop = TestReplica("desktop")
        var base = note()
        try laptop.edit(&base, [.set("body", .string("keep me")), .set("color", .string("yellow"))])
        var deleted = base
        var edited = base
        laptop.delete(&deleted)
        #expect(deleted.isDeleted)
        try desktop.edit(&edited, [.set("color", .string("blue"))])
        let merged = try RecordState.merge(deleted, edited)
        #expect(!merged.isDeleted)
        #expect(merged.value("body") == .string("keep me"))
        #expect(merged.value("color") == .string("blue"))
        // A delete that has seen the edit deletes for good.
        var later = merged
        laptop.delete(&later)
        #expect(try RecordState.merge(later, edited).isDeleted)
    }

    @Test func aDominatingStateAbsorbsAnOlderOne() throws {
        var laptop = TestReplica("laptop")
        var old = note()
        try laptop.edit(&old, [.set("body", .string("v1")), .addTag("x")])
        var new = old
        try laptop.edit(&new, [.set("body", .string("v2")), .removeTag("x")])
        #expect(try RecordState.merge(new, old) == new)
        #expect(try RecordState.merge(old, new) == new)
    }

    @Test func mergeRejectsADifferentRecordOrArticle() {
        let a = RecordState(id: "n-1", kind: .note, articleID: "a-1")
        let b = RecordState(id: "n-1", kind: .note, articleID: "a-2")
        let c = RecordState(id: "n-2", kind: .note, articleID: "a-1")
        #expect(throws: RecordError.self) { try RecordState.merge(a, b) }
        #expect(throws: RecordError.self) { try RecordState.merge(a, c) }
        do {
            _ = try RecordState.merge(a, b)
        } catch {
            #expect(error.code == .immutableFieldChanged && error.field == "articleID")
        }
    }

    @Test func editsRejectUnknownFieldsAndWrongTypes() {
        var laptop = TestReplica("laptop")
        var record = note()
        #expect(throws: RecordError.self) { try laptop.edit(&record, [.set("title", .string("x"))]) }
        #expect(throws: RecordError.self) { try laptop.edit(&record, [.set("body", .int(3))]) }
        var bookmark = RecordState(id: "b-1", kind: .bookmark, articleID: "a-1")
        #expect(throws: RecordError.self) { try laptop.edit(&bookmark, [.addTag("x")]) }
        #expect(record.context == VersionVector())
    }

    @Test func siblingsAreCappedAndTheRestCounted() throws {
        var record = note()
        var states: [RecordState] = []
        for index in 0..<20 {
            var writer = TestReplica("r\(index)")
            var copy = record
            try writer.edit(&copy, [.set("body", .string("version \(index)"))])
            states.append(copy)
        }
        for state in states { record = try RecordState.merge(record, state) }
        #expect(record.siblings("body").count == RecordState.siblingCap)
        #expect(record.foldedSiblings("body") == 4)
        #expect(record.conflicts.first?.folded == 4)
        // Nothing is lost from the state itself: every write is still there.
        #expect(record.fields["body"]?.count == 20)
    }
}
