import ArgumentParser
import Foundation
import MarginClient
import MarginShared

/// `margin _write-loop`: adds notes one by one and prints each id once committed (for crash tests).
struct WriteLoopCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "_write-loop", abstract: "Add notes in a loop, printing each id once it is committed.",
        shouldDisplay: false)

    @OptionGroup var profile: Profile

    @Argument(help: "The article to annotate.")
    var article: String

    @Option(help: "How many notes to add.")
    var count = 1_000

    func run() throws {
        let store = try profile.open()
        let id = try store.resolveID(article, kind: .article)
        let content = try store.record(id).string("content") ?? ""
        let words = content.split(separator: " ").map(String.init).filter { $0.count > 4 }
        for index in 0..<count {
            let quote = words[index % words.count]
            let note = try store.addNote(
                article: id, quote: quote, body: "note \(index) " + String(repeating: "x", count: 200), color: nil,
                tags: ["loop"])
            // Unbuffered, so a killed process has printed exactly what it committed.
            FileHandle.standardOutput.write(Data((note.id + "\n").utf8))
        }
    }
}
