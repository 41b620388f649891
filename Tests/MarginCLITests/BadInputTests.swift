import Foundation
import MarginTestSupport
import Testing

/// Bad input gets one clear line on stderr and a non-zero exit, and leaves the store unchanged.
@Suite struct BadInputTests {
    func seeded() throws -> (CLI, String) {
        let cli = try CLI()
        _ = try cli.ok(["import", CLI.seedPath])
        let articles = try parseJSON(try cli.ok(["articles", "--json"])) as! [[String: Any]]
        let id = articles.first { ($0["title"] as? String)?.hasPrefix("A Quick") == true }!["id"] as! String
        _ = try cli.ok(["note", "add", id, "--quote", "potash", "--body", "first"])
        _ = try cli.ok(["note", "add", id, "--quote", "Viasna", "--body", "second"])
        return (cli, id)
    }

    /// The complete state, to compare before and after a failed command.
    func snapshot(_ cli: CLI) throws -> String {
        try cli.ok(["export", "--format", "json"])
    }

    @Test func badArgumentsLeaveTheStoreUnchanged() throws {
        let (cli, id) = try seeded()
        let before = try snapshot(cli)
        let cases: [([String], String)] = [
            (["show", "a-ffffffff"], "no article"),
            (["note", "add", id, "--quote", "this quote is nowhere in the text"], "not in article"),
            (["note", "add", id, "--quote", "potash", "--body", "   "], "cannot be empty"),
            (["note", "add", id, "--quote", "the", "--occurrence", "9999"], "appears"),
            (["note", "add", id, "--quote", ""], "cannot be empty"),
            (["note", "edit", "0"], "give --body"),
            (["note", "rm", "zzzz"], "no note"),
            (["show", "a-"], "more than one"),
            (["progress", id, "140"], "0 to 100"),
            (["bookmark", "add", id, "--offset", "-5"], "offset"),
            (["bookmark", "add", id], "exactly one"),
            (["resolve", id, "title", "--pick", "1"], "no conflict"),
            (["tag", "add", id, " padded "], "tag"),
            (["export", "--format", "pdf"], "pdf"),
            (["import", cli.home + "/missing.txt"], "no such file"),
            (["search", "   "], "empty"),
            (["login", "--server", "http://127.0.0.1:9", "--user", "ann", "--device", ""], "1 to 128 bytes"),
            (["unapplied", "show", "zzzz"], "nothing kept aside"),
        ]
        for (arguments, expected) in cases {
            let message = try cli.fails(arguments)
            #expect(
                message.localizedCaseInsensitiveContains(expected),
                "margin \(arguments.joined(separator: " ")): \(message)")
        }
        #expect(try snapshot(cli) == before)
    }

    @Test func notesPrefixAmbiguityIsReported() throws {
        let (cli, _) = try seeded()
        let notes = try parseJSON(try cli.ok(["notes", "--json"])) as! [[String: Any]]
        let ids = notes.map { $0["id"] as! String }
        let common = String(zip(ids[0], ids[1]).prefix { $0 == $1 }.map(\.0))
        #expect(!common.isEmpty)
        let message = try cli.fails(["note", "rm", common], code: 65)
        #expect(message.contains("more than one note"))
        #expect((try parseJSON(try cli.ok(["notes", "--json"])) as! [Any]).count == 2)
    }

    @Test func filesThatAreNotTextAreRefused() throws {
        let (cli, _) = try seeded()
        let before = try snapshot(cli)
        let binary = cli.home + "/image.png"
        try Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D]).write(
            to: URL(fileURLWithPath: binary))
        #expect(try cli.fails(["import", binary]).contains("binary"))
        let latin1 = cli.home + "/latin1.txt"
        try Data("Caf\u{E9} cr\u{E8}me".data(using: .isoLatin1)!).write(to: URL(fileURLWithPath: latin1))
        #expect(try cli.fails(["import", latin1]).contains("UTF-8"))
        // A folder is read only as an export unzipped; one that is none is refused by its names.
        #expect(try cli.fails(["import", cli.home]).contains("holds no export Margin reads"))
        #expect(try cli.fails(["import", "-"], stdin: Data("\n \n".utf8)).contains("no readable text"))
        #expect(try snapshot(cli) == before)
    }

    @Test func aStoreFromANewerMarginIsRefusedUntouched() throws {
        let (cli, _) = try seeded()
        let store = cli.home + "/margin.sqlite"
        try sqlite(store, "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')")
        let before = try dump(store)
        let message = try cli.fails(["note", "add", "a-", "--quote", "potash"], code: 65)
        #expect(message.contains("newer Margin"))
        #expect(try cli.fails(["articles"], code: 65).contains("newer Margin"))
        #expect(try dump(store) == before)
    }

    @Test func aCorruptStoreIsReportedNotOverwritten() throws {
        let cli = try CLI()
        let store = cli.home + "/margin.sqlite"
        let garbage = Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        try garbage.write(to: URL(fileURLWithPath: store))
        let message = try cli.fails(["articles"], code: 65)
        #expect(message.contains("not a Margin store or is damaged"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: store)) == garbage)
    }

    @Test func aLockedStoreFailsCleanlyAndKeepsItsData() throws {
        let (cli, id) = try seeded()
        let before = try snapshot(cli)
        let store = cli.home + "/margin.sqlite"
        // Another process holds the write lock for a few seconds.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        holder.arguments = [
            "python3", "-c",
            "import sqlite3,sys,time; c=sqlite3.connect(sys.argv[1], isolation_level=None); c.execute('BEGIN IMMEDIATE'); print('locked', flush=True); time.sleep(6)",
            store,
        ]
        let ready = Pipe()
        holder.standardOutput = ready
        try holder.run()
        _ = ready.fileHandleForReading.availableData
        let message = try cli.fails(["note", "add", id, "--quote", "potash", "--body", "blocked"], code: 75)
        #expect(message.contains("locked"))
        holder.waitUntilExit()
        #expect(try snapshot(cli) == before)
        _ = try cli.ok(["note", "add", id, "--quote", "potash", "--body", "after the lock"])
    }

    /// Every row of every table, as SQL text.
    func dump(_ path: String) throws -> String {
        let result = try CLI.run(
            URL(fileURLWithPath: "/usr/bin/env"),
            ["python3", "-c", "import sqlite3,sys; print('\\n'.join(sqlite3.connect(sys.argv[1]).iterdump()))", path],
            home: nil, stdin: nil, environment: [:])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("INSERT INTO \"records\""))
        return result.stdout
    }

    func sqlite(_ path: String, _ sql: String) throws {
        let result = try CLI.run(
            URL(fileURLWithPath: "/usr/bin/env"),
            [
                "python3", "-c",
                "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(sys.argv[2]); c.commit()", path, sql,
            ],
            home: nil, stdin: nil, environment: [:])
        #expect(result.status == 0, "\(result.stderr)")
    }
}
