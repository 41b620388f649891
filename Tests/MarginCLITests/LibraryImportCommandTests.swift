import Foundation
import MarginTestSupport
import Testing

/// `margin import --from FORMAT`: one summary line, formats recognised when only one fits, and a
/// clear error for a file that is not the export it claims to be.
struct LibraryImportCommandTests {
    static func fixture(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/exports/\(name)").path
    }

    @Test func anExportImportsWithOneSummaryLineAndNothingTwice() throws {
        let cli = try CLI()
        let first = try cli.ok(["import", "--from", "kindle", Self.fixture("kindle-clippings.txt")])
        #expect(
            first == "imported 2 articles, 3 notes, 1 bookmark; 1 duplicate skipped; 1 not understood (line 26)\n")
        // Recognised without --from, and the second time nothing is new.
        let second = try cli.ok(["import", Self.fixture("kindle-clippings.txt")])
        #expect(second.hasPrefix("imported 0 articles, 0 notes, 0 bookmarks; 5 duplicates skipped"))
        let notes = try parseJSON(try cli.ok(["notes", "--json"])) as! [[String: Any]]
        #expect(notes.count == 3)
    }

    @Test func everyFixtureImportsThroughTheCommand() throws {
        let cli = try CLI()
        for name in [
            "readwise.csv", "hypothesis.json", "koreader.json", "koreader.md", "pocket.csv", "pocket.html",
            "instapaper.csv", "omnivore.json", "omnivore-export.zip", "omnivore-export-2024.zip", "pocket-export.zip",
            "koreader-2024.json", "koreader-2024.md", "instapaper.html", "kindle-notebook.html",
            "omnivore-export-rezipped.zip", "omnivore-export-zip64.zip",
        ] {
            let output = try cli.ok(["import", Self.fixture(name)])
            #expect(output.hasPrefix("imported "), "\(name): \(output)")
        }
    }

    @Test func anExportUnzippedIntoAFolderImports() throws {
        let cli = try CLI()
        let folder = cli.home + "/pocket-export"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data("title,url,time_added,tags,status\nA Page,https://example.com/a,1700000000,x,unread\n".utf8)
            .write(to: URL(fileURLWithPath: folder + "/part_000000.csv"))
        #expect(try cli.ok(["import", folder]).hasPrefix("imported 1 article, 0 notes"))
        let wrong = try cli.run(["import", "--from", "kindle", folder])
        #expect(wrong.status == 65 && wrong.stderr.contains("a folder is read as an Omnivore or Pocket export"))
    }

    @Test func aFileThatIsNotTheClaimedExportIsOneClearError() throws {
        let cli = try CLI()
        let before = try cli.ok(["export", "--format", "json"])
        let result = try cli.run(["import", "--from", "readwise", Self.fixture("pocket.csv")])
        #expect(result.status == 65)
        #expect(result.stderr.contains("nothing in the file reads as a readwise export"))
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(try cli.ok(["export", "--format", "json"]) == before)
        let unknown = try cli.run(["import", "--from", "evernote", Self.fixture("pocket.csv")])
        #expect(unknown.status == 64)
    }
}
