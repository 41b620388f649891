import Foundation
import MarginClient
import MarginShared
import MarginTestSupport
import Testing

/// Pulled versions that cannot merge are kept aside; the user can list, read and then drop them.
@Suite struct UnappliedTests {
    /// A profile with two notes, each with a pulled version kept aside (moved to the other article).
    func keptAside() throws -> (CLI, [String], otherArticle: String) {
        let cli = try CLI()
        _ = try cli.ok(["import", CLI.seedPath])
        let articles = try parseJSON(try cli.ok(["articles", "--json"])) as! [[String: Any]]
        let ids = articles.map { $0["id"] as! String }
        _ = try cli.ok(["note", "add", ids[0], "--quote", "potash", "--body", "first"])
        _ = try cli.ok(["note", "add", ids[0], "--quote", "Viasna", "--body", "second"])
        let notes = (try parseJSON(try cli.ok(["notes", "--json"])) as! [[String: Any]]).map { $0["id"] as! String }
        let other = ReplicaID("elsewhere")!
        var clock = HybridLogicalClock(replica: other)
        var moved: [RecordState] = []
        for note in notes {
            var state = RecordState(id: note, kind: .note, articleID: ids[1])
            try state.edit([.set("body", .string("moved \(note)"))], by: other, at: clock.tick())
            moved.append(state)
        }
        let outcome = try LocalStore(home: cli.home).apply(moved, cursor: "c1")
        #expect(outcome.rejected.count == 2)
        return (cli, notes, ids[1])
    }

    @Test func keptAsideVersionsAreListedShownAndDismissed() throws {
        let (cli, notes, otherArticle) = try keptAside()
        let listed = try parseJSON(try cli.ok(["unapplied", "--json"])) as! [[String: Any]]
        #expect(Set(listed.map { $0["id"] as! String }) == Set(notes))
        #expect(listed.allSatisfy { ($0["reason"] as! String).contains("article") }, "\(listed)")
        #expect(try cli.ok(["status"]).contains("unapplied  2 pulled version(s)"))

        // Shown whole, as the server sent it: the text that could not merge is not lost.
        let shown = try parseJSON(try cli.ok(["unapplied", "show", notes[0]])) as! [String: Any]
        #expect(shown["id"] as? String == notes[0])
        #expect(shown["articleID"] as? String == otherArticle)
        #expect(try cli.ok(["unapplied", "show", notes[0]]).contains("moved \(notes[0])"))

        #expect(try cli.ok(["unapplied", "dismiss", notes[0]]).contains("dismissed 1"))
        #expect(try cli.ok(["unapplied"]).contains(notes[1]))
        #expect(try !cli.ok(["unapplied"]).contains(notes[0]))
        // The stored note itself is untouched by either the pull or the dismissal.
        let bodies = (try parseJSON(try cli.ok(["notes", "--json"])) as! [[String: Any]]).compactMap {
            $0["body"] as? String
        }
        #expect(Set(bodies) == ["first", "second"])

        #expect(try cli.ok(["unapplied", "dismiss", "--all"]).contains("dismissed 1"))
        #expect(try cli.ok(["unapplied"]).contains("Nothing kept aside."))
        #expect(try !cli.ok(["status"]).contains("unapplied"))
    }

    @Test func badIDsAreRefusedAndDropNothing() throws {
        let (cli, notes, _) = try keptAside()
        // Both notes were made in the same second: their ids share a long prefix.
        let common = String(zip(notes[0], notes[1]).prefix { $0 == $1 }.map(\.0))
        #expect(try cli.fails(["unapplied", "show", common]).contains("matches 2"))
        #expect(try cli.fails(["unapplied", "dismiss", "zzzz"]).contains("nothing kept aside"))
        #expect(try cli.fails(["unapplied", "dismiss"]).contains("exactly one"))
        #expect(try cli.fails(["unapplied", "dismiss", notes[0], "--all"]).contains("exactly one"))
        #expect((try parseJSON(try cli.ok(["unapplied", "--json"])) as! [Any]).count == 2)
    }
}
