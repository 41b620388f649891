import Foundation
import MarginTestSupport
import Testing

/// A new user's session on the seed article, through the real `margin` binary.
@Suite struct WorkflowTests {
    func seeded() throws -> (CLI, String) {
        let cli = try CLI()
        _ = try cli.ok(["import", CLI.seedPath])
        let articles = try parseJSON(try cli.ok(["articles", "--json"])) as! [[String: Any]]
        let main = articles.first { ($0["title"] as? String)?.hasPrefix("A Quick, Quiet Trip") == true }!
        return (cli, main["id"] as! String)
    }

    @Test func importsTheSeedAsTwoArticlesOnce() throws {
        let (cli, id) = try seeded()
        let again = try cli.ok(["import", CLI.seedPath])
        #expect(again.contains("unchanged"))
        let articles = try parseJSON(try cli.ok(["articles", "--json"])) as! [[String: Any]]
        #expect(articles.count == 2)
        let main = articles.first { $0["id"] as? String == id }!
        #expect(main["source"] as? String == "The New York Times")
        #expect(main["byline"] as? String == "Andrew Higgins and Tomas Dapkus")
        #expect(try cli.ok(["articles"]).contains("A Quick, Quiet Trip to Belarus"))
    }

    @Test func annotatesSearchesAndShows() throws {
        let (cli, id) = try seeded()
        let prefix = String(id.prefix(8))
        _ = try cli.ok([
            "note", "add", prefix, "--quote", "a police state run by a strongman", "--body", "Context on Lukashenko",
            "--tag", "belarus",
        ])
        _ = try cli.ok(["note", "add", prefix, "--quote", "potash"])
        _ = try cli.ok(["bookmark", "add", prefix, "--quote", "As darkness fell", "--label", "resume"])
        _ = try cli.ok(["tag", "add", prefix, "europe", "diplomacy"])
        _ = try cli.ok(["favorite", prefix])
        _ = try cli.ok(["progress", prefix, "40"])

        let notes = try parseJSON(try cli.ok(["notes", prefix, "--json"])) as! [[String: Any]]
        #expect(notes.count == 2)
        #expect(
            notes.contains {
                $0["body"] as? String == "Context on Lukashenko" && ($0["tags"] as? [String]) == ["belarus"]
            })

        let shown = try cli.ok(["show", prefix])
        #expect(shown.contains("==a police state run by a strongman==[1]"))
        #expect(shown.contains("Context on Lukashenko"))
        #expect(shown.contains("resume at"))

        let hits = try parseJSON(try cli.ok(["search", "Lukashenko", "--json"])) as! [[String: Any]]
        #expect(hits.contains { $0["kind"] as? String == "note" })
        #expect(hits.contains { $0["id"] as? String == id })
        #expect(try cli.ok(["search", "humanitarian"]).contains("Forced displacement"))

        let article = (try parseJSON(try cli.ok(["articles", "--json"])) as! [[String: Any]]).first {
            $0["id"] as? String == id
        }!
        #expect(article["favorite"] as? Bool == true)
        #expect(article["progress"] as? Double == 0.4)
        #expect(article["tags"] as? [String] == ["diplomacy", "europe"])

        let noteID = notes.first { $0["body"] == nil }!["id"] as! String
        _ = try cli.ok(["note", "edit", String(noteID.prefix(20)), "--body", "Fertilizer exports"])
        _ = try cli.ok(["note", "rm", noteID])
        #expect((try parseJSON(try cli.ok(["notes", "--json"])) as! [Any]).count == 1)

        let status = try parseJSON(try cli.ok(["status", "--json"])) as! [String: Any]
        #expect(status["notes"] as? Int == 1)
        #expect(status["bookmarks"] as? Int == 1)
        #expect(status["deleted"] as? Int == 1)
        #expect((status["pending"] as? Int ?? 0) >= 4)
        #expect(status["conflicts"] as? Int == 0)
    }

    @Test func w3cExportPassesTheAnnotationTestSuite() throws {
        let (cli, id) = try seeded()
        _ = try cli.ok(["note", "add", id, "--quote", "Viasna", "--body", "Human rights group", "--tag", "ngo"])
        _ = try cli.ok(["note", "add", id, "--quote", "potash"])
        _ = try cli.ok(["bookmark", "add", id, "--offset", "100", "--label", "here"])
        let file = cli.home + "/export.json"
        _ = try cli.ok(["export", "--format", "w3c", "--output", file])
        let collection = try parseJSON(String(contentsOfFile: file, encoding: .utf8)) as! [String: Any]
        let items = (collection["first"] as! [String: Any])["items"] as! [[String: Any]]
        #expect(Set(items.map { $0["motivation"] as! String }) == ["commenting", "highlighting", "bookmarking"])

        let validator = CLI.repoRoot.deletingLastPathComponent().appendingPathComponent(
            "shared/w3c-annotation/validate.py")
        try #require(
            FileManager.default.fileExists(atPath: validator.path), "the W3C validator is at \(validator.path)")
        let result = try CLI.run(
            URL(fileURLWithPath: "/usr/bin/env"), ["python3", validator.path, "--containers", file], home: nil,
            stdin: nil,
            environment: [:])
        #expect(result.status == 0, "validator: \(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("4 checked, 4 passed, 0 failed"))
    }

    @Test func markdownAndJSONExports() throws {
        let (cli, id) = try seeded()
        _ = try cli.ok(["note", "add", id, "--quote", "Viasna", "--body", "Human rights group"])
        let markdown = try cli.ok(["export", "--format", "markdown", String(id.prefix(8))])
        #expect(markdown.hasPrefix("# A Quick, Quiet Trip to Belarus Signals a Turn in U.S. Policy"))
        #expect(markdown.contains("> Viasna\n\nHuman rights group"))
        #expect(!markdown.contains("Forced displacement"))
        let json = try parseJSON(try cli.ok(["export", "--format", "json"])) as! [String: Any]
        let records = json["records"] as! [[String: Any]]
        #expect(records.count == 3)
        #expect(records.allSatisfy { $0["vv"] is [String: Any] && $0["v"] as? Int == 1 })
    }

    @Test func reimportingChangedTextReanchorsAndOrphansNotes() throws {
        let (cli, id) = try seeded()
        _ = try cli.ok(["note", "add", id, "--quote", "three people who had been jailed", "--body", "moves"])
        _ = try cli.ok(["note", "add", id, "--quote", "Franak Viacorka", "--body", "orphan"])
        _ = try cli.ok(["note", "add", id, "--quote", "Viasna", "--body", "stays"])
        var text = try String(contentsOfFile: CLI.seedPath, encoding: .utf8)
        text = text.replacingOccurrences(
            of: "The senior American diplomat", with: "UPDATED: The senior American diplomat")
        let paragraph = text.components(separatedBy: "\n\n").first { $0.hasPrefix("Franak Viacorka") }!
        text = text.replacingOccurrences(of: paragraph + "\n\n", with: "")
        let edited = cli.home + "/edited.txt"
        try text.write(toFile: edited, atomically: true, encoding: .utf8)

        let output = try cli.ok(["import", edited])
        #expect(output.contains("updated"))
        #expect(output.contains("orphaned"))
        let articles = try parseJSON(try cli.ok(["articles", "--json"])) as! [[String: Any]]
        #expect(articles.count == 2, "the edited article keeps its id (no url: its first import's id)")

        let notes = try parseJSON(try cli.ok(["notes", "--json"])) as! [[String: Any]]
        #expect(notes.count == 3, "an orphaned note is kept")
        let content = (try parseJSON(try cli.ok(["show", id, "--json"])) as! [String: Any])["content"] as! String
        let scalars = Array(content.unicodeScalars)
        for note in notes {
            let anchor = note["anchor"] as! [String: Any]
            let start = anchor["start"] as! Int
            let end = anchor["end"] as! Int
            if note["body"] as? String == "orphan" {
                #expect(note["orphaned"] as? Bool == true)
            } else {
                #expect(note["orphaned"] as? Bool == false)
                #expect(String(String.UnicodeScalarView(scalars[start..<end])) == anchor["exact"] as? String)
            }
        }
        let orphans = try cli.ok(["notes", "--orphaned"])
        #expect(orphans.contains("Franak Viacorka") && !orphans.contains("Viasna"))
    }
}
